// The eval table as plain text, for logs, pipes and the end of a non-interactive run.
import { formatCell, formatProgress, formatSpeed, METRIC_LABELS, TABLE_METRICS, type RunView } from './run-view.js';

export function plainTable(title: string, runs: RunView[]): string {
  const rows: string[][] = [
    ['', ...runs.map((r) => r.label)],
    ['progress', ...runs.map((r) => formatProgress(r, 10))],
    ...TABLE_METRICS.map((m) => [METRIC_LABELS[m], ...runs.map((r) => formatCell(m, r.metrics[m]))]),
    ['errors/invalid', ...runs.map((r) => `${r.errors} / ${r.invalid}`)],
    ['speed', ...runs.map((r) => formatSpeed(r))],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  const notes = runs.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`);
  return [title, ...lines, "± 95% CI · * WDP uses groundcam's normalisation, not the paper's scale", ...notes].join('\n') + '\n';
}

/** One progress line for logs: `albef: 380/612 (62%) 41.2/s ETA 0:06 · PG 78.4% · errors 1`. */
export function progressLine(r: RunView): string {
  const pct = r.total ? Math.floor((100 * r.done) / r.total) : 100;
  const pg = r.metrics.pg_acc ? ` · PG ${r.metrics.pg_acc.value.toFixed(1)}%` : '';
  return `${r.label}: ${r.done}/${r.total} (${pct}%) ${formatSpeed(r)}${pg} · errors ${r.errors} · invalid ${r.invalid}`;
}
