// One heatmap preview in the detail pane: the lines from heatmap-preview.ts, or why there is none.
import { Box, Text } from 'ink';

export interface HeatmapViewProps {
  /** Preview lines (with ANSI colours), or null while loading. */
  lines: string[] | null;
  /** Why there is no preview (invalid row, no stored grid, load failure). */
  missing?: string | undefined;
  width: number;
  height: number;
  title?: string | undefined;
}

export function HeatmapView({ lines, missing, width, height, title }: HeatmapViewProps) {
  const body = title ? height - 1 : height;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {title && (
        <Text bold wrap="truncate-end">
          {title}
        </Text>
      )}
      {missing !== undefined ? (
        <Text color="yellow" wrap="wrap">
          {missing.slice(0, width * Math.max(1, body))}
        </Text>
      ) : lines === null ? (
        <Text dimColor>loading…</Text>
      ) : (
        lines.slice(0, body).map((l, k) => <Text key={k}>{l}</Text>)
      )}
    </Box>
  );
}
