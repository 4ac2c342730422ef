// The plain-text summary of a run that `groundcam score` prints: one line per figure with its 95% CI.
import type { Interval, RunSummary } from '../metrics/aggregate.js';
import { MEAN_METRICS } from '../metrics/instance.js';
import type { AggregateOptions } from '../metrics/options.js';

/** Printed wherever WDP is (metrics.md §4: its scale differs from the paper's). */
export const WDP_NOTE =
  "WDP is on groundcam's scale (activation-weighted mean distance from the box as a fraction of the " +
  "image's farthest distance; lower is better). The paper's WDP (0.56-0.98) uses an unpublished " +
  'normalisation: the two are not comparable.';

const fmt = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));
const fmtCi = (ci: Interval | null, digits: number) => (ci === null ? '' : `[${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]`);

export function formatSummaryTable(summary: RunSummary, options: AggregateOptions, title?: string): string {
  const rows: [string, string, string][] = [
    ['pg_acc (%)', fmt(summary.pg_acc, 2), fmtCi(summary.pg_acc_ci, 2)],
    ['pg_unc (count)', String(summary.pg_unc), ''],
    ['pg_unc rate (%)', fmt(summary.pg_unc_rate, 2), fmtCi(summary.pg_unc_rate_ci, 2)],
  ];
  for (const m of MEAN_METRICS) {
    const digits = m === 'peaks' ? 2 : 4;
    rows.push([m.startsWith('wdp') ? `${m} *` : m, fmt(summary[m], digits), fmtCi(summary[`${m}_ci`], digits)]);
  }
  const conf = Math.round(options.confidence * 100);
  const header: [string, string, string] = ['metric', 'value', `${conf}% CI`];
  const widths = [0, 1, 2].map((c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2]}`.trimEnd();
  const out: string[] = [];
  if (title) out.push(title);
  out.push(`instances: ${summary.n} scored, ${summary.n_invalid} invalid, ${summary.n_degenerate} degenerate (constant map)`, '');
  out.push(line(header), ...rows.map(line), '');
  out.push(`* ${WDP_NOTE}`);
  out.push(
    `CIs: Wilson for pg_acc and the pg_unc rate; percentile bootstrap over instances for means ` +
      `(${options.resamples} resamples, seed ${options.seed}).`,
  );
  return out.join('\n') + '\n';
}
