// The work behind `groundcam report`.
import { writeFileSync } from 'node:fs';
import { DEFAULT_REPORT_OPTIONS, formatFromPath, makeReport, type ReportFormat } from '../report/make-report.js';
import { parseMetricList } from '../report/report-metrics.js';
import { expandRunDirs } from '../runs/load-run.js';
import { UserError } from '../util/errors.js';

export interface ReportCommandOptions {
  format?: ReportFormat;
  baseline?: string;
  metrics?: string;
  ci: boolean;
  out?: string;
}

export async function runReportCommand(args: string[], opts: ReportCommandOptions): Promise<void> {
  let metrics = DEFAULT_REPORT_OPTIONS.metrics;
  if (opts.metrics !== undefined) {
    try {
      metrics = parseMetricList(opts.metrics);
    } catch (err) {
      throw new UserError(`--metrics: ${(err as Error).message}`);
    }
  }
  const format = opts.format ?? (opts.out ? formatFromPath(opts.out) : null) ?? DEFAULT_REPORT_OPTIONS.format;
  const { text, table } = await makeReport(expandRunDirs(args), opts.baseline ?? null, { format, metrics, ci: opts.ci });
  for (const row of table.rows) {
    if (row.summarySource === 'recomputed') {
      process.stderr.write(`groundcam: ${row.runDir}: run ${row.status} (${row.progress.done}/${row.progress.total}); figures recomputed from instances.jsonl\n`);
    }
    if (row.comparison && row.comparison.shared === 0) {
      process.stderr.write(`groundcam: ${row.runDir} shares no scored instance with the baseline: no paired comparison\n`);
    }
  }
  if (opts.out) {
    writeFileSync(opts.out, text);
    process.stderr.write(`groundcam: wrote ${opts.out} (${format}, ${table.rows.length} run${table.rows.length === 1 ? '' : 's'})\n`);
  } else {
    process.stdout.write(text);
  }
}
