// The report as CSV (csv-stringify): one line per run, one column per value and per interval bound, at
// full precision; with a baseline, the paired difference, its interval and p-value per metric.
import { stringify } from 'csv-stringify/sync';
import { REPORT_METRIC_INFO } from './report-metrics.js';
import type { ReportTable } from './report-table.js';

const LABEL_COLUMNS = ['run_id', 'run_dir', 'model', 'method', 'dataset', 'split', 'status', 'summary_source', 'n', 'n_invalid', 'n_errors', 'n_degenerate'] as const;

/** The header of the CSV for these metrics (with or without the comparison columns). */
export function csvColumns(table: Pick<ReportTable, 'metrics' | 'baseline'>): string[] {
  const cols: string[] = [...LABEL_COLUMNS];
  for (const m of table.metrics) {
    cols.push(m);
    if (REPORT_METRIC_INFO[m].hasCi) cols.push(`${m}_ci_lo`, `${m}_ci_hi`);
  }
  if (table.baseline) {
    cols.push('baseline', 'shared_n');
    for (const m of table.metrics) cols.push(`${m}_diff`, `${m}_diff_ci_lo`, `${m}_diff_ci_hi`, `${m}_p`);
  }
  return cols;
}

export function writeCsv(table: ReportTable): string {
  const records = table.rows.map((row) => {
    const r: (string | number | null)[] = [
      row.runId,
      row.runDir,
      row.model,
      row.method,
      row.dataset,
      row.split,
      row.status,
      row.summarySource,
      row.n,
      row.nInvalid,
      row.nErrors,
      row.nDegenerate,
    ];
    for (const m of table.metrics) {
      const cell = row.cells[m];
      r.push(cell?.value ?? null);
      if (REPORT_METRIC_INFO[m].hasCi) r.push(cell?.ci?.[0] ?? null, cell?.ci?.[1] ?? null);
    }
    if (table.baseline) {
      r.push(row.isBaseline ? 'self' : table.baseline.runDir, row.comparison?.shared ?? null);
      for (const m of table.metrics) {
        const d = row.comparison?.deltas[m];
        r.push(d?.diff ?? null, d?.ci?.[0] ?? null, d?.ci?.[1] ?? null, d?.p ?? null);
      }
    }
    return r;
  });
  return stringify([csvColumns(table), ...records]);
}
