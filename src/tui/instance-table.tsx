// The table of instances: a header with the sort digit keys, then only the rows on screen (the list is
// virtualised: a 15k-instance run renders as many rows as a 100-instance one).
import { Box, Text } from 'ink';
import type { BrowseColumn, BrowseItem } from './browse-columns.js';

export interface InstanceTableProps {
  columns: readonly BrowseColumn[];
  /** Width of the flexible (phrase) column. */
  flex: number;
  rows: { pos: number; item: BrowseItem }[];
  cursor: number;
  sort: { key: string; descending: boolean };
  /** Lines to fill (rows missing at the end are left blank). */
  height: number;
}

/** `text` cut or padded to `width` cells. */
export function fitCell(text: string, width: number, align: 'left' | 'right'): string {
  const chars = [...text];
  const t = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : text;
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}

export function formatTableLine(columns: readonly BrowseColumn[], flex: number, cell: (c: BrowseColumn) => string): string {
  return columns.map((c) => fitCell(cell(c), c.width || flex, c.align)).join(' ');
}

export function InstanceTable({ columns, flex, rows, cursor, sort, height }: InstanceTableProps) {
  const header = formatTableLine(columns, flex, (c) => `${c.key}${c.key === sort.key ? (sort.descending ? '▼' : '▲') : ' '}${c.label}`);
  const blanks = Math.max(0, height - rows.length);
  return (
    <Box flexDirection="column">
      <Text bold underline wrap="truncate-end">
        {header}
      </Text>
      {rows.map(({ pos, item }) => {
        const line = formatTableLine(columns, flex, (c) => c.text(item));
        return pos === cursor ? (
          <Text key={pos} inverse wrap="truncate-end">
            {line}
          </Text>
        ) : (
          <Text key={pos} wrap="truncate-end">
            {line}
          </Text>
        );
      })}
      {Array.from({ length: blanks }, (_, k) => (
        <Text key={`blank-${k}`}> </Text>
      ))}
    </Box>
  );
}
