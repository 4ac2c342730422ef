// The two bottom lines: a status line (message, or the search being typed, and the position), then the
// keys.
import { Box, Text } from 'ink';

export interface KeyHelpProps {
  width: number;
  compare: boolean;
  searching: boolean;
  search: string;
  message: string | null;
  position: string;
}

/** The key line: the most used keys, fitting 80 columns. */
export function keyLine(compare: boolean): string {
  const keys = ['↑↓ move', '1-9 sort', 'm miss', 'u unc', 'x inv', ...(compare ? ['d diff'] : []), '/ find', 'w png', '? help', 'q quit'];
  return keys.join('  ');
}

export function KeyHelp({ width, compare, searching, search, message, position }: KeyHelpProps) {
  const status = searching ? `/${search}▌  (Enter keeps, Esc cancels)` : (message ?? '');
  return (
    <Box flexDirection="column" width={width}>
      <Box width={width}>
        <Box flexGrow={1}>
          <Text color={searching ? 'cyan' : 'yellow'} wrap="truncate-end">
            {status || ' '}
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <Text dimColor>{position}</Text>
        </Box>
      </Box>
      <Text dimColor wrap="truncate-end">
        {keyLine(compare)}
      </Text>
    </Box>
  );
}
