// The top line of `groundcam browse`: which run(s) on which data, and where the selection is.
import { Box, Text } from 'ink';

export interface TitleBarProps {
  runs: string;
  /** `12/584`, or `3/40 of 584` when filtered. */
  position: string;
  width: number;
}

export function TitleBar({ runs, position, width }: TitleBarProps) {
  return (
    <Box width={width}>
      <Box flexGrow={1}>
        <Text bold color="cyan" wrap="truncate-end">
          {`groundcam browse · ${runs}`}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text dimColor>{position}</Text>
      </Box>
    </Box>
  );
}
