// The report as GitHub-flavoured Markdown: the runs table (value [95% CI]), the paired comparison with
// the baseline when there is one, and the footnotes (WDP scale, interval methods, significance marks).
import { deltaOf, formatDiff, formatP, formatValue, INCOMPLETE_MARK, isIncomplete, reportNotes } from './report-format.js';
import { REPORT_METRIC_INFO, type ReportMetric } from './report-metrics.js';
import { significanceMark, type ReportCell, type ReportRow, type ReportTable } from './report-table.js';

/** Escapes text for a Markdown table cell. */
export function mdEscape(text: string): string {
  return text.replace(/([\\|*_`<>[\]])/g, '\\$1');
}

const arrow = (m: ReportMetric) => ({ 1: ' ↑', [-1]: ' ↓', 0: '' })[REPORT_METRIC_INFO[m].direction];
const header = (m: ReportMetric) => mdEscape(REPORT_METRIC_INFO[m].label + (REPORT_METRIC_INFO[m].wdp ? '*' : '')) + arrow(m);

function cellText(m: ReportMetric, cell: ReportCell | undefined, mark: string, ci: boolean): string {
  if (!cell || cell.value === null) return '-';
  const v = formatValue(m, cell.value) + mark;
  if (!ci || !cell.ci) return v;
  return `${v} [${formatValue(m, cell.ci[0])}, ${formatValue(m, cell.ci[1])}]`;
}

function line(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function labelCells(row: ReportRow): string[] {
  const model = mdEscape(row.model) + (isIncomplete(row) ? ` ${INCOMPLETE_MARK}` : '') + (row.isBaseline ? ' (ref.)' : '');
  return [model, mdEscape(row.method), mdEscape(row.dataset), mdEscape(row.split)];
}

export interface MarkdownOptions {
  /** Show the 95% intervals next to the values (default true). */
  ci?: boolean;
}

export function writeMarkdown(table: ReportTable, options: MarkdownOptions = {}): string {
  const ci = options.ci ?? true;
  const { metrics } = table;
  const out: string[] = [];
  out.push(line(['Model', 'Method', 'Dataset', 'Split', 'N', 'Invalid/Errors', ...metrics.map(header)]));
  out.push(line(['---', '---', '---', '---', '---:', '---:', ...metrics.map(() => '---:')]));
  for (const row of table.rows) {
    const cells = metrics.map((m) => cellText(m, row.cells[m], significanceMark(deltaOf(row, m)?.p), ci));
    out.push(line([...labelCells(row), String(row.n), `${row.nInvalid}/${row.nErrors}`, ...cells]));
  }
  if (table.baseline) {
    out.push('', `Paired differences from the reference run, ${mdEscape(table.baseline.label)}: run − reference on the instances both runs scored, with p-values.`, '');
    out.push(line(['Model', 'Method', 'Dataset', 'Split', 'Shared N', ...metrics.map(header)]));
    out.push(line(['---', '---', '---', '---', '---:', ...metrics.map(() => '---:')]));
    for (const row of table.rows) {
      if (!row.comparison) continue;
      const cells = metrics.map((m) => {
        const d = deltaOf(row, m);
        return d ? `${formatDiff(m, d.diff)}${significanceMark(d.p)} (${formatP(d.p)})` : '-';
      });
      out.push(line([...labelCells(row), String(row.comparison.shared), ...cells]));
    }
  }
  for (const note of reportNotes(table)) out.push('', mdEscape(note));
  return out.join('\n') + '\n';
}
