// Scores one instance (metrics.md steps 1–4) in two passes over the pixels: the resize (which tracks
// min and max), then one fused pass that normalises, builds M and D row by row, accumulates every sum
// of IoU/Dice/io_ratio/WDP, finds the arg-max and collects the pixels that can be peaks. Only the peak
// candidates are visited again. Buffers live in a MetricsWorkspace reused across calls.
import type { Box } from '../data/manifest.js';
import { BOX_INVALID, axisGaps, centreInBoxes, centreRange, coversPixelCentre, prepareBoxes } from './boxes.js';
import { PASS, firstMaximum, fusedPass, sqrtInto } from './fused-pass.js';
import type { InstanceMetrics, InstanceScore, InvalidInstance } from './instance.js';
import { ioRatio } from './io-ratio.js';
import { isDegenerate } from './normalise.js';
import { DEFAULT_METRIC_OPTIONS, type MetricOptions } from './options.js';
import { diceFromSums, iouFromSums } from './overlap.js';
import { findPeaks, greedyNms, isUncertain, nextUp, orderPeaks, peakLevel, quantiseCandidates } from './pg-uncertainty.js';
import { pointingGameHit } from './pointing-game.js';
import { TapsCache, resizeInto, type Grid } from './resize.js';
import { wdpFromSums } from './wdp.js';

/** Reusable buffers of the scorer; one per thread of work. Not safe to share between concurrent calls. */
export class MetricsWorkspace {
  /** U, then A (in place), then Q at peak candidates. */
  u = new Float64Array(0);
  scratch = new Float64Array(0);
  candidates = new Int32Array(0);
  peaks = new Int32Array(0);
  kept = new Int32Array(0);
  gx = new Float64Array(0);
  gy = new Float64Array(0);
  /** D along the current row (several boxes), and sqrt(gx) (one box, rows that cross it). */
  dRow = new Float64Array(0);
  dCol = new Float64Array(0);
  runs = new Int32Array(0);
  segLo = new Int32Array(0);
  segHi = new Int32Array(0);
  readonly sums = new Float64Array(PASS.length);
  readonly taps = new TapsCache();

  /** Grows the peak buffers to hold `count` peaks. */
  ensurePeaks(count: number): void {
    if (this.peaks.length < count) {
      this.peaks = new Int32Array(count);
      this.kept = new Int32Array(count);
    }
  }

  /** Grows the buffers to fit a gh × gw grid on an H × W image with K boxes. */
  ensure(gh: number, W: number, H: number, K: number): void {
    const n = H * W;
    if (this.u.length < n) {
      this.u = new Float64Array(n);
      this.candidates = new Int32Array(n);
    }
    if (this.scratch.length < gh * W) this.scratch = new Float64Array(gh * W);
    if (this.gx.length < K * W) this.gx = new Float64Array(K * W);
    if (this.gy.length < K * H) this.gy = new Float64Array(K * H);
    if (this.segLo.length < K) {
      this.runs = new Int32Array(4 * K);
      this.segLo = new Int32Array(K);
      this.segHi = new Int32Array(K);
    }
    if (this.dRow.length < W) {
      this.dRow = new Float64Array(W);
      this.dCol = new Float64Array(W);
    }
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

/** Whether every value is finite, and whether they are all equal (a constant heatmap). */
function inspectGrid(grid: Grid): { finite: boolean; constant: boolean } {
  const first = grid[0]!;
  let constant = true;
  for (let p = 0; p < grid.length; p++) {
    const v = grid[p]!;
    if (!Number.isFinite(v)) return { finite: false, constant: false };
    if (v !== first) constant = false;
  }
  return { finite: true, constant };
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
  const inspected = inspectGrid(grid);
  if (!inspected.finite) return { invalid: 'heatmap has non-finite values (NaN or ±Infinity)' };
  const boxes = prepareBoxes(rawBoxes, W, H, o.mergeBoxes);
  if (!Array.isArray(boxes)) return boxes;
  if (!coversPixelCentre(boxes, W, H)) return { invalid: BOX_INVALID.noCentre };
  const K = boxes.length;
  ws.ensure(gh, W, H, K);
  const { u, gx, gy, dRow, dCol, candidates } = ws;

  // Step 1, tracking the range for step 2
  const range = resizeInto(grid, gh, gw, H, W, o.resize, u, ws.scratch, ws.taps);
  if (!Number.isFinite(range.max - range.min)) {
    return { invalid: 'heatmap values overflow float64 once resized (|values| near 1e308)' };
  }
  // A constant grid resizes to a constant map; only rounding in the resize weights (whose sum is 1 up
  // to a few ulps) could make max U − min U exceed the threshold for very large values, so it is
  // degenerate by definition, as in exact arithmetic.
  const degenerate = inspected.constant || isDegenerate(range.min, range.max, o.degenerateRange);
  let min = range.min;
  let span = range.max - range.min;
  if (degenerate) {
    // A = 0 everywhere: run the same pass over a zero map
    u.fill(0, 0, H * W);
    min = 0;
    span = 1;
  }

  // Step 3: M as per-row runs of covered columns; D(i, j)² = min_k (gx[k][j] + gy[k][i]) outside them
  axisGaps(boxes, W, H, gx, gy);
  const runs = ws.runs;
  boxes.forEach((b, k) => {
    const r = centreRange(b, W, H);
    runs[4 * k] = r.colLo;
    runs[4 * k + 1] = r.colHi;
    runs[4 * k + 2] = r.rowLo;
    runs[4 * k + 3] = r.rowHi;
  });
  if (K === 1) sqrtInto(gx, W, dCol);

  // pixels that may reach Q >= lowest (exact test later, on these only)
  const levels = o.pgLevels;
  const quantised = levels > 0;
  const lowest = peakLevel(levels, o.peakThreshold);
  // quantised: a bound below which round(levels·A) < lowest for sure; levels = 0: A > threshold exactly
  const candidateFrom = quantised ? (lowest - 0.5) / levels - 1e-9 : nextUp(o.peakThreshold);

  const sums = ws.sums;
  const nc = fusedPass(u, W, H, min, span, K, gx, gy, runs, dRow, dCol, ws.segLo, ws.segHi, o.binThreshold, candidateFrom, candidates, sums);
  let maxD = sums[PASS.maxD]!;
  if (K === 1) {
    // D is convex for one box: its maximum over the pixel centres is at a corner of the image
    for (const i of [0, H - 1]) for (const j of [0, W - 1]) maxD = Math.max(maxD, Math.sqrt(gx[j]! + gy[i]!));
  }
  if (map !== null) map.set(u.subarray(0, H * W));
  const sumIn = sums[PASS.sumIn]!;
  const sumOut = sums[PASS.sumOut]!;
  const nMask = sums[PASS.nMask]!;
  const nBin = sums[PASS.nBin]!;
  const nBinIn = sums[PASS.nBinIn]!;
  const argmax = degenerate ? 0 : firstMaximum(u, H * W, candidates, nc, candidateFrom);

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
    wdp_soft: wdpFromSums(sums[PASS.sumAD]!, sumA, maxD),
    wdp_bin: wdpFromSums(sums[PASS.sumBinD]!, nBin, maxD),
    degenerate,
  };
  let keptCount = 0;
  if (!degenerate) {
    const ai = (argmax / W) | 0;
    metrics.pg_hit = pointingGameHit(boxes, ai, argmax - ai * W, o.pgTolerance) ? 1 : 0;
    quantiseCandidates(u, candidates, nc, levels, lowest);
    ws.ensurePeaks(nc);
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
