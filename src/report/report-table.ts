// The table of `groundcam report` as plain data: one row per run (what was evaluated on what, how many
// instances) with each metric's value and 95% interval, and — against a baseline run — the paired
// comparison on the instances both scored (metrics.md §5). The writers (CSV, Markdown, LaTeX, JSON) only
// format this; nothing here does I/O.
import type { Interval, RunSummary } from '../metrics/aggregate.js';
import { comparePaired, type PairedComparison } from '../metrics/compare.js';
import { DEFAULT_AGGREGATE_OPTIONS, type AggregateOptions } from '../metrics/options.js';
import { methodLabel, recordsOf, runLabel, type LoadedRun } from '../runs/load-run.js';
import { REPORT_METRIC_INFO, TABLE1_METRICS, type ReportMetric } from './report-metrics.js';

export interface ReportCell {
  value: number | null;
  ci: Interval | null;
}

/** One metric of a paired comparison: run − baseline on the shared instances. */
export interface ReportDelta {
  /** pg_acc and pg_unc_rate in percentage points, pg_unc in instances, the rest in the metric's unit. */
  diff: number;
  /** Paired-bootstrap interval of diff (null for pg_acc: McNemar's test gives a p-value only). */
  ci: Interval | null;
  p: number;
  /** 'mcnemar' for pg_acc, 'bootstrap' for the others. */
  test: 'mcnemar' | 'bootstrap';
}

export interface ReportComparison {
  /** Instances validly scored in both runs. */
  shared: number;
  /** Scored in the baseline only / in this run only. */
  onlyBaseline: number;
  onlyRun: number;
  deltas: Partial<Record<ReportMetric, ReportDelta>>;
  /** McNemar's discordant pairs: hit in the baseline only, hit in this run only. */
  discordant: { baselineOnly: number; runOnly: number } | null;
}

export interface ReportRow {
  runId: string;
  runDir: string;
  /** What the table calls the run: the model's name, or `<method> (baseline)`. */
  label: string;
  model: string;
  method: string;
  dataset: string;
  split: string;
  status: string;
  n: number;
  nInvalid: number;
  nErrors: number;
  nDegenerate: number;
  /** Progress of an unfinished run: instances done / total. */
  progress: { done: number; total: number };
  summarySource: 'summary.json' | 'recomputed';
  cells: Partial<Record<ReportMetric, ReportCell>>;
  /** Against the baseline; null without one, and for the baseline's own row. */
  comparison: ReportComparison | null;
  isBaseline: boolean;
}

export interface ReportTable {
  metrics: ReportMetric[];
  rows: ReportRow[];
  /** The reference run of the paired comparisons. */
  baseline: { label: string; runDir: string } | null;
  aggregate: AggregateOptions;
}

export interface ReportTableOptions {
  metrics?: readonly ReportMetric[];
  /** Compare every other run against this one; it is the first row (added when not among `runs`). */
  baseline?: LoadedRun | null;
  aggregate?: AggregateOptions;
}

/** The significance marks of the tables: † p < 0.05, ‡ p < 0.01. */
export const SIGNIFICANCE = [
  { below: 0.01, mark: '‡' },
  { below: 0.05, mark: '†' },
] as const;

export function significanceMark(p: number | undefined): string {
  if (p === undefined) return '';
  for (const s of SIGNIFICANCE) if (p < s.below) return s.mark;
  return '';
}

function cellOf(summary: RunSummary, metric: ReportMetric): ReportCell {
  if (metric === 'pg_unc') return { value: summary.n > 0 ? summary.pg_unc : null, ci: null };
  const value = summary[metric] ?? null;
  const ci = (summary as unknown as Record<string, Interval | null | undefined>)[`${metric}_ci`] ?? null;
  return { value, ci: REPORT_METRIC_INFO[metric].hasCi ? ci : null };
}

/** The deltas of a paired comparison (b = the run, a = the baseline) for the chosen metrics. */
export function deltasOf(c: PairedComparison, metrics: readonly ReportMetric[]): ReportComparison {
  const deltas: Partial<Record<ReportMetric, ReportDelta>> = {};
  for (const m of metrics) {
    if (m === 'pg_acc') {
      if (c.pg_hit) deltas.pg_acc = { diff: c.pg_hit.diff, ci: null, p: c.pg_hit.p_value, test: 'mcnemar' };
      continue;
    }
    const key = m === 'pg_unc' || m === 'pg_unc_rate' ? 'pg_uncertain' : m;
    const d = c.metrics?.[key];
    if (!d) continue;
    // pg_unc: a count, so the mean difference times the shared instances; the rate in percentage points
    const scale = m === 'pg_unc' ? c.n : m === 'pg_unc_rate' ? 100 : 1;
    deltas[m] = { diff: d.diff * scale, ci: [d.diff_ci[0] * scale, d.diff_ci[1] * scale], p: d.p_value, test: 'bootstrap' };
  }
  return {
    shared: c.n,
    onlyBaseline: c.only_a,
    onlyRun: c.only_b,
    deltas,
    discordant: c.pg_hit ? { baselineOnly: c.pg_hit.a_only, runOnly: c.pg_hit.b_only } : null,
  };
}

function rowOf(run: LoadedRun, metrics: readonly ReportMetric[]): ReportRow {
  const c = run.config;
  const s = run.summary;
  const cells: Partial<Record<ReportMetric, ReportCell>> = {};
  for (const m of metrics) cells[m] = cellOf(s, m);
  return {
    runId: run.run.id,
    runDir: run.dir,
    label: runLabel(c),
    model: c.kind === 'model' ? (c.model ?? '-') : 'baseline',
    method: methodLabel(c),
    dataset: c.dataset_name,
    split: c.split ?? '-',
    status: run.run.status,
    n: s.n,
    nInvalid: s.n_invalid,
    nErrors: s.n_errors ?? 0,
    nDegenerate: s.n_degenerate,
    progress: { done: run.rows.length, total: run.run.progress?.total ?? run.rows.length },
    summarySource: run.summarySource,
    cells,
    comparison: null,
    isBaseline: false,
  };
}

export function buildReportTable(runs: readonly LoadedRun[], options: ReportTableOptions = {}): ReportTable {
  const metrics = [...(options.metrics ?? TABLE1_METRICS)];
  const aggregate = options.aggregate ?? { ...DEFAULT_AGGREGATE_OPTIONS };
  const baseline = options.baseline ?? null;
  const all = baseline ? [baseline, ...runs.filter((r) => r.dir !== baseline.dir)] : [...runs];
  const baseRecords = baseline ? recordsOf(baseline.rows) : null;
  const rows = all.map((run) => {
    const row = rowOf(run, metrics);
    if (baseline && run.dir === baseline.dir) row.isBaseline = true;
    else if (baseRecords) row.comparison = deltasOf(comparePaired(baseRecords, recordsOf(run.rows), aggregate), metrics);
    return row;
  });
  return { metrics, rows, baseline: baseline && { label: runLabel(baseline.config), runDir: baseline.dir }, aggregate };
}
