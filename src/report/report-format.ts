// Number and note formatting shared by the Markdown and LaTeX writers (CSV and JSON keep full precision).
import { WDP_NOTE } from './summary-table.js';
import { REPORT_METRIC_INFO, type ReportMetric } from './report-metrics.js';
import type { ReportDelta, ReportRow, ReportTable } from './report-table.js';

/** A figure with its metric's decimals; '-' when there is none. */
export function formatValue(metric: ReportMetric, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(REPORT_METRIC_INFO[metric].digits);
}

/** A signed difference with the metric's decimals: `+1.20`, `-0.004`, `0`. */
export function formatDiff(metric: ReportMetric, diff: number): string {
  const digits = REPORT_METRIC_INFO[metric].digits;
  const text = Math.abs(diff).toFixed(digits);
  if (Number(text) === 0) return text;
  return (diff > 0 ? '+' : '-') + text;
}

/** `p=0.032`, `p<0.001`. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

/** The mark of an unfinished run (its figures are recomputed from instances.jsonl). */
export const INCOMPLETE_MARK = '§';

export function isIncomplete(row: ReportRow): boolean {
  return row.status !== 'complete' || row.summarySource === 'recomputed';
}

/** The delta of `metric` for a row, if compared. */
export function deltaOf(row: ReportRow, metric: ReportMetric): ReportDelta | undefined {
  return row.comparison?.deltas[metric];
}

/** The footnotes of a table, in order, as plain text (writers escape them). */
export function reportNotes(table: ReportTable): string[] {
  const notes: string[] = [];
  if (table.metrics.some((m) => REPORT_METRIC_INFO[m].wdp)) notes.push(`* ${WDP_NOTE}`);
  const a = table.aggregate;
  const conf = Math.round(a.confidence * 100);
  const wilson = table.metrics.filter((m) => m === 'pg_acc' || m === 'pg_unc_rate').map((m) => REPORT_METRIC_INFO[m].label);
  const boot = table.metrics.some((m) => REPORT_METRIC_INFO[m].hasCi && m !== 'pg_acc' && m !== 'pg_unc_rate');
  const parts: string[] = [];
  if (wilson.length) parts.push(`Wilson score intervals for ${wilson.join(' and ')}`);
  if (boot) parts.push(`percentile bootstrap over instances for the means (${a.resamples} resamples, seed ${a.seed})`);
  if (parts.length) notes.push(`${conf}% confidence intervals: ${parts.join('; ')}.${table.metrics.includes('pg_unc') ? ' PG-unc is a count of instances.' : ''}`);
  if (table.baseline) {
    notes.push(
      `† p < 0.05, ‡ p < 0.01: paired difference from ${table.baseline.label} on the instances both runs scored ` +
        `(McNemar's exact test for PG acc; paired bootstrap of the mean difference, ${a.resamples} resamples, for the others).`,
    );
  }
  for (const row of table.rows) {
    if (!isIncomplete(row)) continue;
    notes.push(
      `${INCOMPLETE_MARK} ${row.label}: run ${row.status} (${row.progress.done}/${row.progress.total} instances); ` +
        `figures recomputed from instances.jsonl.`,
    );
  }
  return notes;
}
