// The top line of `groundcam browse`: which run(s), and the current sort and filters.
import { Box, Text } from 'ink';

export interface TitleBarProps {
  runs: string;
  view: string;
  width: number;
}

export function TitleBar({ runs, view, width }: TitleBarProps) {
  const left = `groundcam browse · ${runs}`;
  const room = Math.max(0, width - left.length - 2);
  return (
    <Box width={width}>
      <Box flexGrow={1}>
        <Text bold color="cyan" wrap="truncate-end">
          {left}
        </Text>
      </Box>
      {room > 8 && (
        <Box flexShrink={0} marginLeft={2}>
          <Text dimColor wrap="truncate-end">
            {view.length > room ? view.slice(0, room - 1) + '…' : view}
          </Text>
        </Box>
      )}
    </Box>
  );
}
