// Every option of the metrics and of their aggregation, with its default, in one place
// (../shared/spec/metrics.md). The CLI builds its flags and help from METRIC_OPTION_DOCS; the README
// "Metrics" section documents the same defaults.

export const RESIZE_MODES = ['bicubic', 'bilinear', 'nearest'] as const;
/** Step 1 kernels, all with PyTorch's `align_corners=False` mapping. */
export type ResizeMode = (typeof RESIZE_MODES)[number];

/** How one instance is scored (metrics.md steps 1–4). */
export interface MetricOptions {
  /** Step 1: kernel resizing the heatmap grid to the image (`bicubic`, `bilinear`, `nearest`). */
  resize: ResizeMode;
  /** pg_hit tolerance in pixels: 0 = hit iff M(p*) = 1; > 0 = hit iff D(p*) < tolerance. */
  pgTolerance: number;
  /** pg_uncertain quantisation: Q = round(levels · A), half to even; 0 = no quantisation (Q = A). */
  pgLevels: number;
  /** Replace the boxes by their smallest enclosing box (MDETR's "merged" protocol). */
  mergeBoxes: boolean;
  /** IoU/Dice smoothing s of the paper's ref. [19]. */
  smoothing: number;
  /** A_bin = [A >= binThreshold] for iou_bin, dice_bin, wdp_bin. */
  binThreshold: number;
  /** A pixel can be a peak of pg_uncertain only if Q / levels > peakThreshold. */
  peakThreshold: number;
  /** Greedy NMS of pg_uncertain: a peak is dropped if a kept one lies at distance < nmsRadius px. */
  nmsRadius: number;
  /** A map with max U − min U <= degenerateRange is degenerate (A = 0 everywhere). */
  degenerateRange: number;
}

export const DEFAULT_METRIC_OPTIONS: Readonly<MetricOptions> = Object.freeze({
  resize: 'bicubic',
  pgTolerance: 0,
  pgLevels: 255,
  mergeBoxes: false,
  smoothing: 0.001,
  binThreshold: 0.5,
  peakThreshold: 0.7,
  nmsRadius: 50,
  degenerateRange: 1e-12,
});

/** One line of documentation per option; `flag` for those that `groundcam score`/`eval` expose. */
export const METRIC_OPTION_DOCS = {
  resize: { flag: '--resize <mode>', doc: 'resize kernel for heatmap → image: bicubic (PyTorch, a = -0.75), bilinear or nearest' },
  pgTolerance: { flag: '--pg-tolerance <px>', doc: 'pointing-game tolerance: a hit if the arg-max lies closer than PX to a box (0 = must be inside)' },
  pgLevels: { flag: '--pg-levels <n>', doc: 'quantisation levels for PG uncertainty, Q = round(n·A) (0 = none)' },
  mergeBoxes: { flag: '--merge-boxes', doc: 'replace the boxes of an instance by their smallest enclosing box' },
  smoothing: { doc: 'IoU/Dice smoothing s' },
  binThreshold: { doc: 'binarisation threshold of A for the *_bin metrics (A >= t)' },
  peakThreshold: { doc: 'PG uncertainty peak threshold (Q/levels > t)' },
  nmsRadius: { doc: 'PG uncertainty NMS radius in pixels' },
  degenerateRange: { doc: 'a map whose max − min is at most this is degenerate' },
} as const satisfies Record<keyof MetricOptions, { flag?: string; doc: string }>;

/** How a run is aggregated (metrics.md step 5). */
export interface AggregateOptions {
  /** Percentile-bootstrap resamples for the CIs of means and for paired comparisons. */
  resamples: number;
  /** Seed of the bootstrap's PRNG (xoshiro128**), so that CIs are reproducible. */
  seed: number;
  /** Confidence level of every interval. */
  confidence: number;
}

export const DEFAULT_AGGREGATE_OPTIONS: Readonly<AggregateOptions> = Object.freeze({
  resamples: 1000,
  seed: 20240429,
  confidence: 0.95,
});

const isNonNegativeFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Fills the defaults in and checks every value; throws a RangeError naming the option otherwise.
 * The scoring functions trust their options: resolve them once, outside the hot loop.
 */
export function resolveMetricOptions(partial: Partial<MetricOptions> = {}): MetricOptions {
  const o: MetricOptions = { ...DEFAULT_METRIC_OPTIONS };
  for (const [key, value] of Object.entries(partial) as [keyof MetricOptions, unknown][]) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (!(RESIZE_MODES as readonly string[]).includes(o.resize)) {
    throw new RangeError(`resize must be one of ${RESIZE_MODES.join(', ')} (got ${String(o.resize)})`);
  }
  if (!isNonNegativeFinite(o.pgTolerance)) throw new RangeError(`pgTolerance must be a number >= 0 (got ${o.pgTolerance})`);
  if (!Number.isInteger(o.pgLevels) || o.pgLevels < 0 || o.pgLevels > 1 << 24) {
    throw new RangeError(`pgLevels must be an integer from 0 to ${1 << 24} (got ${o.pgLevels})`);
  }
  if (typeof o.mergeBoxes !== 'boolean') throw new RangeError('mergeBoxes must be true or false');
  if (!isNonNegativeFinite(o.smoothing)) throw new RangeError(`smoothing must be a number >= 0 (got ${o.smoothing})`);
  for (const key of ['binThreshold', 'peakThreshold'] as const) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) throw new RangeError(`${key} must be a finite number`);
  }
  if (!isNonNegativeFinite(o.nmsRadius)) throw new RangeError(`nmsRadius must be a number >= 0 (got ${o.nmsRadius})`);
  if (!isNonNegativeFinite(o.degenerateRange)) throw new RangeError(`degenerateRange must be a number >= 0`);
  return o;
}

export function resolveAggregateOptions(partial: Partial<AggregateOptions> = {}): AggregateOptions {
  const o: AggregateOptions = { ...DEFAULT_AGGREGATE_OPTIONS };
  if (partial.resamples !== undefined) o.resamples = partial.resamples;
  if (partial.seed !== undefined) o.seed = partial.seed;
  if (partial.confidence !== undefined) o.confidence = partial.confidence;
  if (!Number.isInteger(o.resamples) || o.resamples < 1) throw new RangeError(`resamples must be an integer >= 1`);
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer`);
  if (!(o.confidence > 0 && o.confidence < 1)) throw new RangeError(`confidence must lie in (0, 1)`);
  return o;
}
