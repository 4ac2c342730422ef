// The lines of instances.jsonl: every row names its instance and the run's model, method, layer, token
// rule, dataset and split (so rows from several runs can be concatenated and still be read alone).
import type { CamGrid } from '../cam/grid.js';
import type { Box } from '../data/manifest.js';
import { scoreInstanceDetailed, type MetricsWorkspace } from '../metrics/score-instance.js';
import type { MetricOptions } from '../metrics/options.js';
import type { DatasetInstance } from './dataset.js';
import type { InstanceRow } from './store.js';

/** What every row of a run repeats about the run. */
export interface RowContext {
  model: string | null;
  method: string;
  layer: number | string | null;
  tokens: string | null;
  dataset: string;
  split: string | null;
}

/** How many NMS peaks a row keeps for drill-down views. */
const MAX_PEAKS_KEPT = 16;

export function baseRow(inst: DatasetInstance, ctx: RowContext, size: { width: number; height: number } | null): InstanceRow {
  const row: InstanceRow = {
    idx: inst.idx,
    id: inst.id,
    image: inst.image,
    phrase: inst.phrase,
    width: size?.width ?? inst.width ?? null,
    height: size?.height ?? inst.height ?? null,
    boxes: inst.boxes,
    ...ctx,
  };
  if (inst.meta !== undefined) row.meta = inst.meta;
  return row;
}

export const errorRow = (base: InstanceRow, error: string): InstanceRow => ({ ...base, error });

function hasNonFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return true;
  return false;
}

/**
 * Scores a grid and returns the row (metrics, or `invalid`/`error` with the reason) and whether the
 * grid is worth storing. `extra` (e.g. the model's match score) is added to scored and invalid rows.
 */
export function scoredRow(
  base: InstanceRow,
  grid: CamGrid,
  boxes: readonly Box[],
  W: number,
  H: number,
  options: MetricOptions,
  ws: MetricsWorkspace,
  extra: Record<string, unknown> = {},
): { row: InstanceRow; store: boolean } {
  if (hasNonFinite(grid.data)) return { row: errorRow({ ...base, ...extra }, 'the CAM grid holds NaN or infinite values (graph output)'), store: false };
  const r = scoreInstanceDetailed(grid.data, grid.h, grid.w, boxes, W, H, options, {}, ws);
  if ('invalid' in r) return { row: { ...base, ...extra, invalid: r.invalid }, store: true };
  const d = r.details;
  return {
    row: {
      ...base,
      ...extra,
      ...r.metrics,
      argmax: d.argmax ? [d.argmax.x, d.argmax.y] : null,
      peak_points: d.peaks.slice(0, MAX_PEAKS_KEPT).map((p) => [p.x, p.y]),
    },
    store: true,
  };
}
