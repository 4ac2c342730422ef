// The columns of the browse table: what each shows, how it sorts, its width, and the digit key that
// sorts by it. One run, or two runs joined by instance id (A = the first, B = the second).
import type { InstanceRow } from '../runs/store.js';

/** One line of the table: an instance of run A and, when comparing, the same instance (by id) in run B. */
export interface BrowseItem {
  idx: number;
  id: string;
  phrase: string;
  a: InstanceRow;
  b: InstanceRow | null;
}

export interface BrowseColumn {
  /** Digit that sorts by this column. */
  key: string;
  label: string;
  /** Width in cells; 0 = takes the room left. */
  width: number;
  align: 'left' | 'right';
  /** Hidden when the terminal is narrower than this. */
  minTerminal?: number;
  /** Sort value; undefined (not scored) sorts last in either direction. */
  value(item: BrowseItem): number | string | undefined;
  text(item: BrowseItem): string;
}

const scored = (r: InstanceRow | null | undefined): r is InstanceRow => !!r && r.error === undefined && r.invalid === undefined;
const num = (r: InstanceRow | null | undefined, key: string): number | undefined => (scored(r) && typeof r[key] === 'number' ? (r[key] as number) : undefined);

/** `✓` hit, `✗` miss, `inv` invalid, `err` not scored, `·` absent from the run. */
export function pgText(r: InstanceRow | null | undefined): string {
  if (!r) return '·';
  if (r.error !== undefined) return 'err';
  if (r.invalid !== undefined) return 'inv';
  return r.pg_hit ? '✓' : '✗';
}

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '–' : v.toFixed(digits));
const signed = (v: number | undefined) => (v === undefined ? '–' : (v > 0 ? '+' : v < 0 ? '-' : ' ') + Math.abs(v).toFixed(3));

const idColumn: BrowseColumn = { key: '2', label: 'id', width: 24, align: 'left', minTerminal: 110, value: (i) => i.id, text: (i) => i.id };
const idxColumn: BrowseColumn = { key: '1', label: '#', width: 5, align: 'right', value: (i) => i.idx, text: (i) => String(i.idx) };
const phraseColumn: BrowseColumn = { key: '3', label: 'phrase', width: 0, align: 'left', value: (i) => i.phrase.toLowerCase(), text: (i) => i.phrase };

function metricColumn(key: string, label: string, metric: string, run: 'a' | 'b', width = 6): BrowseColumn {
  return { key, label, width, align: 'right', value: (i) => num(i[run], metric), text: (i) => fmt(num(i[run], metric)) };
}

/** The columns for one run. `withScore`: the run recorded the model's match score. */
export function singleColumns(withScore: boolean): BrowseColumn[] {
  const cols: BrowseColumn[] = [
    idxColumn,
    idColumn,
    phraseColumn,
    { key: '4', label: 'PG', width: 4, align: 'left', value: (i) => num(i.a, 'pg_hit'), text: (i) => pgText(i.a) },
    { key: '5', label: 'unc', width: 5, align: 'left', value: (i) => num(i.a, 'pg_uncertain'), text: (i) => (num(i.a, 'pg_uncertain') ? '?' : '') },
    metricColumn('6', 'IoU', 'iou_soft', 'a'),
    metricColumn('7', 'IO', 'io_ratio', 'a'),
    metricColumn('8', 'WDP*', 'wdp_soft', 'a'),
  ];
  if (withScore) {
    cols.push({
      key: '9',
      label: 'score',
      width: 8,
      align: 'right',
      value: (i) => (typeof i.a.score === 'number' ? i.a.score : undefined),
      text: (i) => (typeof i.a.score === 'number' ? i.a.score.toPrecision(4) : '–'),
    });
  }
  return cols;
}

/** The columns comparing run A with run B on the same instance. */
export function compareColumns(): BrowseColumn[] {
  const pair = (i: BrowseItem, key: string) => {
    const a = num(i.a, key);
    const b = num(i.b, key);
    return a === undefined || b === undefined ? undefined : 2 * a + b;
  };
  return [
    idxColumn,
    idColumn,
    phraseColumn,
    { key: '4', label: 'PG', width: 7, align: 'left', value: (i) => pair(i, 'pg_hit'), text: (i) => `${pgText(i.a)} ${pgText(i.b)}` },
    {
      key: '5',
      label: 'unc',
      width: 5,
      align: 'left',
      value: (i) => pair(i, 'pg_uncertain'),
      text: (i) => `${num(i.a, 'pg_uncertain') ? '?' : '·'}${num(i.b, 'pg_uncertain') ? '?' : '·'}`,
    },
    metricColumn('6', 'IoU A', 'iou_soft', 'a', 7),
    metricColumn('7', 'IoU B', 'iou_soft', 'b', 7),
    {
      key: '8',
      label: 'ΔIoU',
      width: 7,
      align: 'right',
      value: (i) => {
        const a = num(i.a, 'iou_soft');
        const b = num(i.b, 'iou_soft');
        return a === undefined || b === undefined ? undefined : b - a;
      },
      text: (i) => {
        const a = num(i.a, 'iou_soft');
        const b = num(i.b, 'iou_soft');
        return signed(a === undefined || b === undefined ? undefined : b - a);
      },
    },
    metricColumn('9', 'WDP A', 'wdp_soft', 'a', 7),
    metricColumn('0', 'WDP B', 'wdp_soft', 'b', 7),
  ];
}

/** The columns that fit a terminal `width` cells wide, and the width of the flexible (phrase) column. */
export function fitColumns(columns: readonly BrowseColumn[], width: number): { columns: BrowseColumn[]; flex: number } {
  const shown = columns.filter((c) => !c.minTerminal || width >= c.minTerminal);
  const fixed = shown.reduce((s, c) => s + c.width, 0) + (shown.length - 1);
  return { columns: shown, flex: Math.max(8, width - fixed) };
}

/**
 * The column a `--sort` value names: its digit or its label (`iou`, `wdp`, `phrase`, case and `*` ignored),
 * with a leading `-` for descending. Null when no column matches.
 */
export function parseSort(text: string, columns: readonly BrowseColumn[]): { key: string; descending: boolean } | null {
  const descending = text.startsWith('-');
  const name = (descending ? text.slice(1) : text).toLowerCase().replace(/[*\s]/g, '');
  const norm = (l: string) => l.toLowerCase().replace(/[*\s]/g, '');
  const col = columns.find((c) => c.key === name) ?? columns.find((c) => norm(c.label) === name) ?? columns.find((c) => norm(c.label).startsWith(name) && name.length >= 2);
  return col ? { key: col.key, descending } : null;
}
