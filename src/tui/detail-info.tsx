// The text beside the preview(s): the instance, its verdicts and scores (one run), or the two runs'
// figures side by side (comparison).
import { Box, Text } from 'ink';
import type { InstanceRow } from '../runs/store.js';
import type { BrowseItem } from './browse-columns.js';
import { pgText } from './browse-columns.js';

export interface DetailInfoProps {
  item: BrowseItem;
  labels: [string, string | null];
  notes: string[];
  width: number;
  height: number;
}

const f3 = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '–');

/** The metric lines of one row. */
export function rowLines(r: InstanceRow): { text: string; color?: string }[] {
  if (r.error !== undefined) return [{ text: `not scored: ${r.error}`, color: 'red' }];
  if (r.invalid !== undefined) return [{ text: `invalid: ${r.invalid}`, color: 'yellow' }];
  const verdict = r.pg_hit ? 'PG hit ✓' : 'PG miss ✗';
  const lines: { text: string; color?: string }[] = [
    { text: `${verdict}${r.pg_uncertain ? ' · uncertain' : ''} · peaks ${String(r.peaks)}${r.degenerate ? ' · constant map' : ''}`, color: r.pg_hit ? 'green' : 'red' },
    { text: `IoU  soft ${f3(r.iou_soft)}  bin ${f3(r.iou_bin)}` },
    { text: `Dice soft ${f3(r.dice_soft)}  bin ${f3(r.dice_bin)}` },
    { text: `IO ratio  ${f3(r.io_ratio)}` },
    { text: `WDP* soft ${f3(r.wdp_soft)}  bin ${f3(r.wdp_bin)}` },
  ];
  const extra: string[] = [];
  if (typeof r.score === 'number') extra.push(`score ${r.score.toPrecision(4)}`);
  if (Array.isArray(r.argmax)) extra.push(`p* (${r.argmax.join(', ')})`);
  if (extra.length) lines.push({ text: extra.join(' · '), color: 'gray' });
  return lines;
}

function compareLines(a: InstanceRow, b: InstanceRow | null, labels: [string, string | null], width: number): { text: string; color?: string }[] {
  const col = Math.max(6, Math.floor((width - 6) / 2));
  const cell = (t: string) => t.slice(0, col).padEnd(col);
  const line = (name: string, fa: string, fb: string) => `${name.padEnd(5)} ${cell(fa)}${cell(fb)}`.trimEnd();
  const v = (r: InstanceRow | null, key: string) => (!r ? '·' : r.error !== undefined ? 'err' : r.invalid !== undefined ? 'inv' : f3(r[key]));
  const unc = (r: InstanceRow | null) => (!r || r.error !== undefined || r.invalid !== undefined ? '·' : r.pg_uncertain ? 'yes' : 'no');
  return [
    { text: line('', `A ${labels[0]}`, `B ${labels[1] ?? ''}`), color: 'cyan' },
    { text: line('PG', pgText(a), pgText(b)) },
    { text: line('unc', unc(a), unc(b)) },
    { text: line('IoU', v(a, 'iou_soft'), v(b, 'iou_soft')) },
    { text: line('Dice', v(a, 'dice_soft'), v(b, 'dice_soft')) },
    { text: line('IO', v(a, 'io_ratio'), v(b, 'io_ratio')) },
    { text: line('WDP*', v(a, 'wdp_soft'), v(b, 'wdp_soft')) },
  ];
}

export function DetailInfo({ item, labels, notes, width, height }: DetailInfoProps) {
  const lines: { text: string; color?: string; bold?: boolean }[] = [{ text: item.id, bold: true }, { text: `"${item.phrase}"` }];
  if (labels[1] === null) lines.push(...rowLines(item.a));
  else lines.push(...compareLines(item.a, item.b, labels, width));
  for (const n of notes) lines.push({ text: n, color: 'yellow' });
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {lines.slice(0, height).map((l, k) => (
        <Text key={k} bold={l.bold ?? false} {...(l.color ? { color: l.color } : {})} wrap="truncate-end">
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
