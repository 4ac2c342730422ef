// The heatmap of one row as the metrics saw it: the stored grid re-scored with the run's own metric
// options, which gives A (resized to the image and min-max normalised), p*, the kept NMS peaks and the
// boxes used — exactly what overlays and previews must show, with no second implementation of resizing.
import type { Box } from '../data/manifest.js';
import type { InstanceMetrics } from '../metrics/instance.js';
import { minMaxNormalise } from '../metrics/normalise.js';
import { resolveMetricOptions } from '../metrics/options.js';
import { resize } from '../metrics/resize.js';
import { scoreInstanceDetailed, type ScoreDetails } from '../metrics/score-instance.js';
import type { LoadedRun } from './load-run.js';
import type { CamReader, InstanceRow } from './store.js';

export interface InstanceMap {
  width: number;
  height: number;
  /** A: H × W, row-major, in [0, 1] (all 0 for a degenerate map). */
  map: Float64Array;
  /** The boxes scored against (clipped, merged if the run merged); the row's boxes for an invalid row. */
  boxes: Box[];
  argmax: { x: number; y: number } | null;
  peaks: ScoreDetails['peaks'];
  /** Null for an invalid row (its map is resized and normalised the same way, but not scored). */
  metrics: InstanceMetrics | null;
}

/** Why a row has no map to show. */
export type NoMap = { missing: string };

/** The map of `row`, or why there is none (error rows, rows without a stored grid or a size). */
export function instanceMap(run: Pick<LoadedRun, 'config'>, row: InstanceRow, cams: CamReader): InstanceMap | NoMap {
  if (row.error !== undefined) return { missing: `not scored: ${row.error}` };
  if (!row.cam) return { missing: row.invalid !== undefined ? `invalid: ${row.invalid} (no heatmap stored)` : 'no heatmap stored for this instance' };
  const W = row.width;
  const H = row.height;
  if (typeof W !== 'number' || typeof H !== 'number' || W < 1 || H < 1) return { missing: 'the image size is unknown' };
  const boxes = (Array.isArray(row.boxes) ? row.boxes : []) as Box[];
  const grid = cams.read(row.cam);
  const options = resolveMetricOptions(run.config.metrics);
  const scored = scoreInstanceDetailed(grid.data, grid.h, grid.w, boxes, W, H, options, { normalised: true });
  if (!('invalid' in scored)) {
    const d = scored.details;
    return {
      width: W,
      height: H,
      map: d.normalised!,
      boxes: d.boxes,
      argmax: d.argmax && { x: d.argmax.x, y: d.argmax.y },
      peaks: d.peaks,
      metrics: scored.metrics,
    };
  }
  // Invalid (e.g. a box outside the image): steps 1–2 alone, so the map can still be looked at.
  const { a } = minMaxNormalise(resize(grid.data, grid.h, grid.w, H, W, options.resize), options.degenerateRange);
  return { width: W, height: H, map: a, boxes, argmax: null, peaks: [], metrics: null };
}
