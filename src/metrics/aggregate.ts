// Step 5 of metrics.md: the figures of a run (one model × one split) with 95% confidence intervals.
// A RunAggregator is fed instance by instance (running means are cheap, `eval` shows them live);
// intervals are computed on demand. Pure, no I/O.
import { MEAN_METRICS, isInvalid, type InstanceRecord, type InstanceScore, type MeanMetric } from './instance.js';
import { resolveAggregateOptions, type AggregateOptions } from './options.js';
import { bootstrapMeans, percentileInterval, wilsonInterval } from './stats.js';

export type Interval = [number, number];

/**
 * The summary of a run, flat (this is what `groundcam score --json` prints). `n` counts scored instances;
 * means are over them (degenerate ones included). pg_acc and pg_unc_rate are percentages with Wilson
 * intervals; every mean has a percentile-bootstrap interval. Figures are null when n = 0.
 */
export type RunSummary = {
  n: number;
  n_invalid: number;
  n_degenerate: number;
  pg_acc: number | null;
  pg_acc_ci: Interval | null;
  pg_unc: number;
  pg_unc_rate: number | null;
  pg_unc_rate_ci: Interval | null;
} & { [K in MeanMetric]: number | null } & { [K in `${MeanMetric}_ci`]: Interval | null };

const WIDTH = MEAN_METRICS.length;

/** Collects the scores of a run; add() them in any order, ask summary() when needed. */
export class RunAggregator {
  readonly options: AggregateOptions;
  private readonly ids: string[] = [];
  private readonly seen = new Set<string>();
  private hits: number[] = [];
  private uncertain: number[] = [];
  private values = new Float64Array(64 * WIDTH);
  private readonly sums = new Float64Array(WIDTH);
  private hitCount = 0;
  private uncertainCount = 0;
  private invalidCount = 0;
  private degenerateCount = 0;

  constructor(options: Partial<AggregateOptions> = {}) {
    this.options = resolveAggregateOptions(options);
  }

  /** Adds one instance's score; an id may be added once only. */
  add(id: string, score: InstanceScore): void {
    if (this.seen.has(id)) throw new Error(`instance "${id}" was already added to this run`);
    this.seen.add(id);
    if (isInvalid(score)) {
      this.invalidCount++;
      return;
    }
    const n = this.ids.length;
    if ((n + 1) * WIDTH > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.ids.push(id);
    this.hits.push(score.pg_hit);
    this.uncertain.push(score.pg_uncertain);
    this.hitCount += score.pg_hit;
    this.uncertainCount += score.pg_uncertain;
    if (score.degenerate) this.degenerateCount++;
    MEAN_METRICS.forEach((m, c) => {
      this.values[n * WIDTH + c] = score[m];
      this.sums[c]! += score[m];
    });
  }

  /** Adds a record as written to an instances file ({id, ...metrics} or {id, invalid}). */
  addRecord(record: InstanceRecord): void {
    this.add(record.id, record);
  }

  /** Scored instances so far. */
  get n(): number {
    return this.ids.length;
  }

  get nInvalid(): number {
    return this.invalidCount;
  }

  /** The running mean of a metric (cheap); pg_hit as a fraction. Null before the first scored instance. */
  mean(metric: MeanMetric | 'pg_hit' | 'pg_uncertain'): number | null {
    const n = this.ids.length;
    if (n === 0) return null;
    if (metric === 'pg_hit') return this.hitCount / n;
    if (metric === 'pg_uncertain') return this.uncertainCount / n;
    return this.sums[MEAN_METRICS.indexOf(metric)]! / n;
  }

  /** The scored instances as records (for a paired comparison), in the order they were added. */
  records(): InstanceRecord[] {
    return this.ids.map((id, k) => {
      const r: Record<string, unknown> = { id, pg_hit: this.hits[k], pg_uncertain: this.uncertain[k] };
      MEAN_METRICS.forEach((m, c) => (r[m] = this.values[k * WIDTH + c]));
      return r as unknown as InstanceRecord;
    });
  }

  /**
   * The summary with its intervals. The bootstrap runs over the instances sorted by id, so the result does
   * not depend on the order in which they were added (resumed or sharded runs give the same figures).
   */
  summary(): RunSummary {
    const n = this.ids.length;
    const { confidence, resamples, seed } = this.options;
    const s: Record<string, unknown> = {
      n,
      n_invalid: this.invalidCount,
      n_degenerate: this.degenerateCount,
      pg_acc: n ? (100 * this.hitCount) / n : null,
      pg_acc_ci: scale100(wilsonInterval(this.hitCount, n, confidence)),
      pg_unc: this.uncertainCount,
      pg_unc_rate: n ? (100 * this.uncertainCount) / n : null,
      pg_unc_rate_ci: scale100(wilsonInterval(this.uncertainCount, n, confidence)),
    };
    const order = this.ids.map((_, k) => k).sort((a, b) => (this.ids[a]! < this.ids[b]! ? -1 : this.ids[a]! > this.ids[b]! ? 1 : 0));
    const sorted = new Float64Array(n * WIDTH);
    order.forEach((k, row) => sorted.set(this.values.subarray(k * WIDTH, (k + 1) * WIDTH), row * WIDTH));
    const boot = n ? bootstrapMeans(sorted, n, WIDTH, resamples, seed) : null;
    // Means summed in id order too, so that they do not depend on the order of add() to the last bit.
    const sums = new Float64Array(WIDTH);
    for (let row = 0; row < n; row++) for (let c = 0; c < WIDTH; c++) sums[c]! += sorted[row * WIDTH + c]!;
    MEAN_METRICS.forEach((m, c) => {
      s[m] = n ? sums[c]! / n : null;
      s[`${m}_ci`] = boot ? percentileInterval(boot[c]!, confidence) : null;
    });
    return s as RunSummary;
  }
}

function scale100(ci: Interval | null): Interval | null {
  return ci && [100 * ci[0], 100 * ci[1]];
}

/** The summary of a whole set of records (for instance an instances.jsonl read back). */
export function summariseRecords(records: Iterable<InstanceRecord>, options: Partial<AggregateOptions> = {}): RunSummary {
  const agg = new RunAggregator(options);
  for (const r of records) agg.addRecord(r);
  return agg.summary();
}
