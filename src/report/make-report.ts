// `groundcam report` without the command line: run folders in, one formatted table out.
import path from 'node:path';
import { loadRun, type LoadedRun } from '../runs/load-run.js';
import { UserError } from '../util/errors.js';
import { TABLE1_METRICS, type ReportMetric } from './report-metrics.js';
import { buildReportTable, type ReportTable } from './report-table.js';
import { writeCsv } from './write-csv.js';
import { writeJson } from './write-json.js';
import { writeLatex } from './write-latex.js';
import { writeMarkdown } from './write-markdown.js';

export const REPORT_FORMATS = ['md', 'latex', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  format: ReportFormat;
  metrics: readonly ReportMetric[];
  /** Show intervals in Markdown and LaTeX (CSV and JSON always carry them). */
  ci: boolean;
}

export const DEFAULT_REPORT_OPTIONS: Readonly<ReportOptions> = Object.freeze({ format: 'md', metrics: TABLE1_METRICS, ci: true });

/** The format named by a file's extension (`.tex` → latex), or null. */
export function formatFromPath(file: string): ReportFormat | null {
  const ext = file.toLowerCase().split('.').pop();
  return ({ md: 'md', markdown: 'md', tex: 'latex', csv: 'csv', json: 'json' } as Record<string, ReportFormat>)[ext ?? ''] ?? null;
}

export function formatTable(table: ReportTable, options: Pick<ReportOptions, 'format' | 'ci'>): string {
  switch (options.format) {
    case 'md':
      return writeMarkdown(table, { ci: options.ci });
    case 'latex':
      return writeLatex(table, { ci: options.ci });
    case 'csv':
      return writeCsv(table);
    case 'json':
      return writeJson(table);
  }
}

export interface MadeReport {
  text: string;
  table: ReportTable;
  runs: LoadedRun[];
}

/** Loads the runs (and the baseline), builds the table and formats it. */
export async function makeReport(runDirs: readonly string[], baselineDir: string | null, options: ReportOptions): Promise<MadeReport> {
  if (runDirs.length === 0 && !baselineDir) throw new UserError('name at least one run folder');
  const runs: LoadedRun[] = [];
  for (const dir of runDirs) runs.push(await loadRun(dir));
  const baseline = baselineDir ? (runs.find((r) => r.dir === path.resolve(baselineDir)) ?? (await loadRun(baselineDir))) : null;
  const table = buildReportTable(runs, { metrics: options.metrics, baseline });
  return { text: formatTable(table, options), table, runs };
}
