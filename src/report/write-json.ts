// The report as JSON: everything the table holds, machine-readable, at full precision.
import { reportNotes } from './report-format.js';
import type { ReportTable } from './report-table.js';

export const REPORT_SCHEMA = 'groundcam/report@1';

export function writeJson(table: ReportTable): string {
  const doc = {
    schema: REPORT_SCHEMA,
    metrics: table.metrics,
    aggregate: table.aggregate,
    baseline: table.baseline && { label: table.baseline.label, run_dir: table.baseline.runDir },
    runs: table.rows.map((row) => ({
      run_id: row.runId,
      run_dir: row.runDir,
      label: row.label,
      model: row.model,
      method: row.method,
      dataset: row.dataset,
      split: row.split,
      status: row.status,
      summary_source: row.summarySource,
      progress: row.progress,
      n: row.n,
      n_invalid: row.nInvalid,
      n_errors: row.nErrors,
      n_degenerate: row.nDegenerate,
      is_baseline: row.isBaseline,
      metrics: Object.fromEntries(table.metrics.map((m) => [m, row.cells[m] ?? null])),
      comparison: row.comparison && {
        shared: row.comparison.shared,
        only_baseline: row.comparison.onlyBaseline,
        only_run: row.comparison.onlyRun,
        pg_discordant: row.comparison.discordant && { baseline_only: row.comparison.discordant.baselineOnly, run_only: row.comparison.discordant.runOnly },
        deltas: row.comparison.deltas,
      },
    })),
    notes: reportNotes(table),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
