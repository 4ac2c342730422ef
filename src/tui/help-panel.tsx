// Every key of `groundcam browse` (the `?` key shows it in place of the detail pane).
import { Box, Text } from 'ink';

export const HELP_LINES = [
  '↑ ↓ or j k  move       PgUp PgDn  page       g G or Home End  first / last',
  '1 … 9, 0    sort by the numbered column; the same digit again reverses; r reverses',
  'm  misses only        u  PG-uncertain only     x  invalid / failed only',
  'd  the runs disagree on PG (with two runs)     c or Esc  clear every filter',
  '/  search the phrase and id (Enter keeps it, Esc cancels)',
  'Enter  enlarge the detail pane    w  write the PNG overlay of this instance',
  '?  this help    q  quit      * WDP on groundcam\'s scale, not the paper\'s',
];

export function HelpPanel({ width, height }: { width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {HELP_LINES.slice(0, height).map((l, k) => (
        <Text key={k} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}
