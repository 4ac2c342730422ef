// Which instances `groundcam render` draws: named ids, or the N worst by a metric.
import type { InstanceRow } from '../runs/store.js';
import { UserError } from '../util/errors.js';

/** The per-instance figures instances can be ranked by, and which end is worse. */
export const WORST_ORDER = {
  pg_hit: 'asc', // misses first
  pg_uncertain: 'desc', // uncertain first
  peaks: 'desc', // the most scattered maps first
  iou_soft: 'asc',
  iou_bin: 'asc',
  dice_soft: 'asc',
  dice_bin: 'asc',
  io_ratio: 'asc',
  wdp_soft: 'desc', // lower is better
  wdp_bin: 'desc',
  score: 'asc', // the model's lowest match scores
} as const;
export type RankMetric = keyof typeof WORST_ORDER;
export const RANK_METRICS = Object.keys(WORST_ORDER) as RankMetric[];

export function isRankMetric(name: string): name is RankMetric {
  return Object.hasOwn(WORST_ORDER, name);
}

/**
 * The `n` worst scored rows by `metric` (lowest first for higher-is-better metrics, highest first for
 * WDP; misses first for pg_hit), ties broken by manifest position (idx). Rows without the figure
 * (invalid, errors, no match score) are left out.
 */
export function worstRows(rows: readonly InstanceRow[], metric: RankMetric, n: number): InstanceRow[] {
  const sign = WORST_ORDER[metric] === 'asc' ? 1 : -1;
  return rows
    .filter((r) => r.error === undefined && r.invalid === undefined && typeof r[metric] === 'number' && Number.isFinite(r[metric]))
    .sort((a, b) => sign * ((a[metric] as number) - (b[metric] as number)) || a.idx - b.idx)
    .slice(0, n);
}

/** The rows with these ids, in the order given; a UserError lists the ids the run does not have. */
export function rowsById(rows: readonly InstanceRow[], ids: readonly string[], runDir: string): InstanceRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new UserError(`${runDir} has no instance ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  return ids.map((id) => byId.get(id)!);
}

/** A file name for an instance id: `refcoco+/testA/12/3` → `refcoco+_testA_12_3`. */
export function slugify(id: string): string {
  const slug = id
    .replace(/[^\w.+-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 120);
  return slug || 'instance';
}
