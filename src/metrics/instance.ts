// The per-instance record of metrics.md §4, in the field order every output uses.

/** The metrics of one scored instance. */
export interface InstanceMetrics {
  pg_hit: 0 | 1;
  pg_uncertain: 0 | 1;
  peaks: number;
  iou_soft: number;
  iou_bin: number;
  dice_soft: number;
  dice_bin: number;
  io_ratio: number;
  wdp_soft: number;
  wdp_bin: number;
  degenerate: boolean;
}

/** An instance that cannot be scored, with the reason (empty mask, unusable heatmap, unknown size). */
export interface InvalidInstance {
  invalid: string;
}

export type InstanceScore = InstanceMetrics | InvalidInstance;

/** A score with the instance id it belongs to, as written to instances files. */
export type InstanceRecord = { id: string } & InstanceScore;

/** The metrics that are averaged over a run, with a bootstrap CI (everything but pg_hit, pg_uncertain, degenerate). */
export const MEAN_METRICS = [
  'peaks',
  'iou_soft',
  'iou_bin',
  'dice_soft',
  'dice_bin',
  'io_ratio',
  'wdp_soft',
  'wdp_bin',
] as const satisfies readonly (keyof InstanceMetrics)[];
export type MeanMetric = (typeof MEAN_METRICS)[number];

/** The fields of a scored record after `id`, in output order. */
export const INSTANCE_METRIC_FIELDS = ['pg_hit', 'pg_uncertain', ...MEAN_METRICS, 'degenerate'] as const satisfies readonly (keyof InstanceMetrics)[];

export function isInvalid(score: InstanceScore): score is InvalidInstance {
  return (score as InvalidInstance).invalid !== undefined;
}

/** `{id, ...metrics}` with the fields in output order (or `{id, invalid}`). */
export function toRecord(id: string, score: InstanceScore): InstanceRecord {
  if (isInvalid(score)) return { id, invalid: score.invalid };
  const r = { id } as Record<string, unknown>;
  for (const f of INSTANCE_METRIC_FIELDS) r[f] = score[f];
  return r as unknown as InstanceRecord;
}
