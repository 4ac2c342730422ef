// Paired comparison of two runs on the instances both scored (metrics.md §5): McNemar's exact test for
// pg_hit, a paired bootstrap of the mean difference for every other metric. Pure, no I/O.
import type { Interval } from './aggregate.js';
import { MEAN_METRICS, isInvalid, type InstanceRecord } from './instance.js';
import { resolveAggregateOptions, type AggregateOptions } from './options.js';
import { bootstrapMeans, bootstrapPValue, mcnemarExact, percentileInterval } from './stats.js';

export const PAIRED_METRICS = ['pg_uncertain', ...MEAN_METRICS] as const;
export type PairedMetric = (typeof PAIRED_METRICS)[number];

export interface PairedDifference {
  mean_a: number;
  mean_b: number;
  /** mean(b − a) over the shared instances. */
  diff: number;
  /** Percentile-bootstrap interval of diff. */
  diff_ci: Interval;
  /** Two-sided bootstrap p-value of diff = 0. */
  p_value: number;
}

export interface PairedComparison {
  /** Instances scored (valid) in both runs; everything below is over these. */
  n: number;
  /** Valid in one run only (not compared). */
  only_a: number;
  only_b: number;
  pg_hit: {
    /** Accuracies in %, and b − a in percentage points. */
    acc_a: number;
    acc_b: number;
    diff: number;
    /** Discordant pairs: a hit and b missed, and the reverse. */
    a_only: number;
    b_only: number;
    /** McNemar's exact two-sided p-value. */
    p_value: number;
  } | null;
  metrics: Record<PairedMetric, PairedDifference> | null;
  options: AggregateOptions;
}

function byId(records: Iterable<InstanceRecord>, run: string): Map<string, InstanceRecord> {
  const m = new Map<string, InstanceRecord>();
  for (const r of records) {
    if (m.has(r.id)) throw new Error(`run ${run} has instance "${r.id}" twice`);
    if (!isInvalid(r)) m.set(r.id, r);
  }
  return m;
}

/** Compares run b against run a on their shared, validly scored instances (sorted by id, so deterministic). */
export function comparePaired(
  a: Iterable<InstanceRecord>,
  b: Iterable<InstanceRecord>,
  options: Partial<AggregateOptions> = {},
): PairedComparison {
  const o = resolveAggregateOptions(options);
  const ma = byId(a, 'a');
  const mb = byId(b, 'b');
  const shared = [...ma.keys()].filter((id) => mb.has(id)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const n = shared.length;
  const result: PairedComparison = { n, only_a: ma.size - n, only_b: mb.size - n, pg_hit: null, metrics: null, options: o };
  if (n === 0) return result;

  let hitsA = 0;
  let hitsB = 0;
  let aOnly = 0;
  let bOnly = 0;
  const width = PAIRED_METRICS.length;
  const diffs = new Float64Array(n * width);
  const sumA = new Float64Array(width);
  const sumB = new Float64Array(width);
  shared.forEach((id, k) => {
    const ra = ma.get(id)! as Exclude<InstanceRecord, { invalid: string }>;
    const rb = mb.get(id)! as Exclude<InstanceRecord, { invalid: string }>;
    hitsA += ra.pg_hit;
    hitsB += rb.pg_hit;
    if (ra.pg_hit && !rb.pg_hit) aOnly++;
    if (!ra.pg_hit && rb.pg_hit) bOnly++;
    PAIRED_METRICS.forEach((m, c) => {
      sumA[c]! += ra[m];
      sumB[c]! += rb[m];
      diffs[k * width + c] = rb[m] - ra[m];
    });
  });
  result.pg_hit = {
    acc_a: (100 * hitsA) / n,
    acc_b: (100 * hitsB) / n,
    diff: (100 * (hitsB - hitsA)) / n,
    a_only: aOnly,
    b_only: bOnly,
    p_value: mcnemarExact(aOnly, bOnly),
  };
  const boot = bootstrapMeans(diffs, n, width, o.resamples, o.seed);
  const metrics = {} as Record<PairedMetric, PairedDifference>;
  PAIRED_METRICS.forEach((m, c) => {
    let diff = 0;
    for (let k = 0; k < n; k++) diff += diffs[k * width + c]!;
    metrics[m] = {
      mean_a: sumA[c]! / n,
      mean_b: sumB[c]! / n,
      diff: diff / n,
      diff_ci: percentileInterval(boot[c]!, o.confidence),
      p_value: bootstrapPValue(boot[c]!),
    };
  });
  result.metrics = metrics;
  return result;
}
