// Scores one instance (metrics.md steps 1–4) in two passes over the pixels: the resize (which tracks
// min and max), then one fused pass that normalises, builds M and D row by row, accumulates every sum
// of IoU/Dice/io_ratio/WDP, finds the arg-max and collects the pixels that can be peaks. Only the peak
// candidates are visited again. Buffers live in a MetricsWorkspace reused across calls.
import type { Box } from '../data/manifest.js';
import { BOX_INVALID, axisGaps, centreInBoxes, coversPixelCentre, prepareBoxes } from './boxes.js';
import type { InstanceMetrics, InstanceScore, InvalidInstance } from './instance.js';
import { ioRatio } from './io-ratio.js';
import { isDegenerate, normalisedValue } from './normalise.js';
import { DEFAULT_METRIC_OPTIONS, type MetricOptions } from './options.js';
import { diceFromSums, iouFromSums } from './overlap.js';
import { findPeaks, greedyNms, isUncertain, orderPeaks, peakLevel, roundHalfEven } from './pg-uncertainty.js';
import { pointingGameHit } from './pointing-game.js';
import { TapsCache, resizeInto, type Grid } from './resize.js';
import { wdpFromSums } from './wdp.js';

/** Reusable buffers of the scorer; one per thread of work. Not safe to share between concurrent calls. */
export class MetricsWorkspace {
  /** U, then (after the fused pass) Q at peak candidates and −1 elsewhere. */
  u = new Float64Array(0);
  scratch = new Float64Array(0);
  candidates = new Int32Array(0);
  peaks = new Int32Array(0);
  kept = new Int32Array(0);
  gx = new Float64Array(0);
  gy = new Float64Array(0);
  dRow = new Float64Array(0);
  readonly taps = new TapsCache();

  /** Grows the buffers to fit a gh × gw grid on an H × W image with K boxes. */
  ensure(gh: number, W: number, H: number, K: number): void {
    const n = H * W;
    if (this.u.length < n) {
      this.u = new Float64Array(n);
      this.candidates = new Int32Array(n);
      this.peaks = new Int32Array(n);
      this.kept = new Int32Array(n);
    }
    if (this.scratch.length < gh * W) this.scratch = new Float64Array(gh * W);
    if (this.gx.length < K * W) this.gx = new Float64Array(K * W);
    if (this.gy.length < K * H) this.gy = new Float64Array(K * H);
    if (this.dRow.length < W) this.dRow = new Float64Array(W);
  }
}

/** What the render and browse views need beyond the metrics. */
export interface ScoreDetails {
  /** The first arg-max p* (column x, row y); null for a degenerate map. */
  argmax: { x: number; y: number; inside: boolean } | null;
  /** The peaks kept by NMS, in NMS order (Q descending), with their Q and whether they lie in the mask. */
  peaks: { x: number; y: number; q: number; inside: boolean }[];
  /** The boxes scored against: clipped to the image, zero-area ones dropped, merged if asked. */
  boxes: Box[];
  /** max over all pixels of D (0 when the boxes cover the image). */
  maxDistance: number;
  /** min and max of the resized map U. */
  range: { min: number; max: number };
  /** A, the resized and normalised H × W map (row-major), when asked for. */
  normalised?: Float64Array;
}

export type DetailedScore = { metrics: InstanceMetrics; details: ScoreDetails } | InvalidInstance;

const sharedWorkspace = new MetricsWorkspace();

function checkShape(grid: Grid, gh: number, gw: number, W: number, H: number): void {
  for (const [name, v] of [['gh', gh], ['gw', gw], ['W', W], ['H', H]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer (got ${v})`);
  }
  if (grid.length !== gh * gw) throw new RangeError(`grid has ${grid.length} values, expected gh × gw = ${gh * gw}`);
}

interface Pass {
  metrics: InstanceMetrics;
  boxes: Box[];
  argmax: number;
  keptCount: number;
  maxDistance: number;
  range: { min: number; max: number };
}

function run(
  grid: Grid,
  gh: number,
  gw: number,
  rawBoxes: readonly Box[],
  W: number,
  H: number,
  o: MetricOptions,
  ws: MetricsWorkspace,
  map: Float64Array | null,
): Pass | InvalidInstance {
  checkShape(grid, gh, gw, W, H);
  for (let p = 0; p < grid.length; p++) {
    if (!Number.isFinite(grid[p]!)) return { invalid: 'heatmap has non-finite values (NaN or ±Infinity)' };
  }
  const boxes = prepareBoxes(rawBoxes, W, H, o.mergeBoxes);
  if (!Array.isArray(boxes)) return boxes;
  if (!coversPixelCentre(boxes, W, H)) return { invalid: BOX_INVALID.noCentre };
  const K = boxes.length;
  ws.ensure(gh, W, H, K);
  const { u, gx, gy, dRow, candidates } = ws;

  // Step 1, tracking the range for step 2
  const range = resizeInto(grid, gh, gw, H, W, o.resize, u, ws.scratch, ws.taps);
  if (!Number.isFinite(range.max - range.min)) {
    return { invalid: 'heatmap values overflow float64 once resized (|values| near 1e308)' };
  }
  const degenerate = isDegenerate(range.min, range.max, o.degenerateRange);
  let min = range.min;
  let span = range.max - range.min;
  if (degenerate) {
    // A = 0 everywhere: run the same pass over a zero map
    u.fill(0, 0, H * W);
    min = 0;
    span = 1;
  }

  // Step 3: D(i, j)² = min_k (gx[k][j] + gy[k][i]); M = [D = 0]
  axisGaps(boxes, W, H, gx, gy);

  const levels = o.pgLevels;
  const quantised = levels > 0;
  const lowest = peakLevel(levels, o.peakThreshold);
  const lowestHalf = lowest - 0.5;
  const peakT = o.peakThreshold;
  const binT = o.binThreshold;

  let sumIn = 0; // Σ A·M
  let sumOut = 0; // Σ A·(1 − M)
  let sumAD = 0; // Σ A·D
  let nBin = 0; // Σ A_bin
  let nBinIn = 0; // Σ A_bin·M
  let sumBinD = 0; // Σ A_bin·D
  let nMask = 0; // Σ M
  let maxD = 0;
  let best = -Infinity;
  let argmax = 0;
  let nc = 0;

  for (let i = 0; i < H; i++) {
    if (K === 1) {
      const g = gy[i]!;
      for (let j = 0; j < W; j++) dRow[j] = Math.sqrt(gx[j]! + g);
    } else {
      for (let j = 0; j < W; j++) {
        let d2 = gx[j]! + gy[i]!;
        for (let k = 1; k < K; k++) {
          const e = gx[k * W + j]! + gy[k * H + i]!;
          if (e < d2) d2 = e;
        }
        dRow[j] = Math.sqrt(d2);
      }
    }
    const base = i * W;
    for (let j = 0; j < W; j++) {
      const p = base + j;
      const d = dRow[j]!;
      const a = normalisedValue(u[p]!, min, span);
      if (d === 0) {
        nMask++;
        sumIn += a;
      } else {
        sumOut += a;
        sumAD += a * d;
        if (d > maxD) maxD = d;
      }
      if (a >= binT) {
        nBin++;
        sumBinD += d;
        if (d === 0) nBinIn++;
      }
      if (a > best) {
        best = a;
        argmax = p;
      }
      // keep Q only where Q / levels > threshold (a peak candidate); −1 elsewhere
      let q = -1;
      if (quantised) {
        const x = levels * a;
        if (x >= lowestHalf) {
          const r = roundHalfEven(x);
          if (r >= lowest) q = r;
        }
      } else if (a > peakT) {
        q = a;
      }
      u[p] = q;
      if (q >= 0) candidates[nc++] = p;
      if (map !== null) map[p] = a;
    }
  }

  const s = o.smoothing;
  const sumA = sumIn + sumOut;
  const metrics: InstanceMetrics = {
    pg_hit: 0,
    pg_uncertain: 0,
    peaks: 0,
    iou_soft: iouFromSums(sumIn, sumA, nMask, s),
    iou_bin: iouFromSums(nBinIn, nBin, nMask, s),
    dice_soft: diceFromSums(sumIn, sumA, nMask, s),
    dice_bin: diceFromSums(nBinIn, nBin, nMask, s),
    io_ratio: ioRatio(sumIn, sumOut),
    wdp_soft: wdpFromSums(sumAD, sumA, maxD),
    wdp_bin: wdpFromSums(sumBinD, nBin, maxD),
    degenerate,
  };
  let keptCount = 0;
  if (!degenerate) {
    const ai = (argmax / W) | 0;
    metrics.pg_hit = pointingGameHit(boxes, ai, argmax - ai * W, o.pgTolerance) ? 1 : 0;
    const np = findPeaks(u, W, H, candidates, nc, ws.peaks);
    orderPeaks(ws.peaks, np, u, levels, lowest);
    keptCount = greedyNms(ws.peaks, np, W, H, o.nmsRadius, ws.kept);
    const inside = (p: number) => {
      const y = (p / W) | 0;
      return centreInBoxes(boxes, y, p - y * W);
    };
    metrics.pg_uncertain = isUncertain(ws.kept, keptCount, u, inside) ? 1 : 0;
    metrics.peaks = keptCount;
  }
  return { metrics, boxes, argmax, keptCount, maxDistance: maxD, range };
}

/**
 * Scores one instance: a `gh × gw` heatmap grid (row-major, any sign and scale) against `boxes`
 * (`[x0, y0, x1, y1]` pixels) on a `W × H` image. Returns the metrics of metrics.md §4, or `{invalid}`
 * when the instance cannot be scored (non-finite heatmap, empty box mask). Options are trusted: pass
 * the result of resolveMetricOptions. Reuse `ws` across calls on a hot path.
 */
export function scoreInstance(
  grid: Grid,
  gh: number,
  gw: number,
  boxes: readonly Box[],
  W: number,
  H: number,
  options: MetricOptions = DEFAULT_METRIC_OPTIONS,
  ws: MetricsWorkspace = sharedWorkspace,
): InstanceScore {
  const r = run(grid, gh, gw, boxes, W, H, options, ws, null);
  return 'invalid' in r ? r : r.metrics;
}

/** scoreInstance plus what a drill-down view shows: p*, the kept peaks, the boxes used, optionally A. */
export function scoreInstanceDetailed(
  grid: Grid,
  gh: number,
  gw: number,
  boxes: readonly Box[],
  W: number,
  H: number,
  options: MetricOptions = DEFAULT_METRIC_OPTIONS,
  want: { normalised?: boolean } = {},
  ws: MetricsWorkspace = sharedWorkspace,
): DetailedScore {
  const map = want.normalised ? new Float64Array(H * W) : null;
  const r = run(grid, gh, gw, boxes, W, H, options, ws, map);
  if ('invalid' in r) return r;
  const at = (p: number) => {
    const y = (p / W) | 0;
    const x = p - y * W;
    return { x, y, inside: centreInBoxes(r.boxes, y, x) };
  };
  const peaks: ScoreDetails['peaks'] = [];
  for (let t = 0; t < r.keptCount; t++) {
    const p = ws.kept[t]!;
    peaks.push({ ...at(p), q: ws.u[p]! });
  }
  const details: ScoreDetails = {
    argmax: r.metrics.degenerate ? null : at(r.argmax),
    peaks,
    boxes: r.boxes,
    maxDistance: r.maxDistance,
    range: r.range,
  };
  if (map !== null) details.normalised = map;
  return { metrics: r.metrics, details };
}
