// The report as a LaTeX table for papers: booktabs rules, escaped text, each value with its 95% interval
// as `$v^{+hi}_{-lo}$` (distances to the bounds: bootstrap intervals are not symmetric), significance
// marks against a baseline, and the footnotes (WDP scale, interval methods) under the table.
import { deltaOf, formatDiff, formatP, formatValue, INCOMPLETE_MARK, isIncomplete, reportNotes } from './report-format.js';
import { REPORT_METRIC_INFO, type ReportMetric } from './report-metrics.js';
import { significanceMark, type ReportCell, type ReportRow, type ReportTable } from './report-table.js';

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '†': '\\textdagger{}',
  '‡': '\\textdaggerdbl{}',
  '§': '\\S{}',
  '−': '--',
  '–': '--',
};

/** Escapes text for LaTeX (text mode). */
export function latexEscape(text: string): string {
  return text.replace(/[\\&%$#_{}~^<>†‡§−–]/g, (c) => LATEX_SPECIALS[c]!);
}

const MARKS: Record<string, string> = { '†': '\\textsuperscript{\\dag}', '‡': '\\textsuperscript{\\ddag}', '': '' };

/** A LaTeX number: a minus sign in math mode (`$-$0.004`). */
const num = (text: string) => (text.startsWith('-') ? `$-$${text.slice(1)}` : text);

function cellTex(m: ReportMetric, cell: ReportCell | undefined, mark: string, ci: boolean): string {
  if (!cell || cell.value === null) return '--';
  const v = formatValue(m, cell.value);
  if (!ci || !cell.ci) return num(v) + MARKS[mark];
  const digits = REPORT_METRIC_INFO[m].digits;
  const up = Math.max(0, cell.ci[1] - cell.value).toFixed(digits);
  const down = Math.max(0, cell.value - cell.ci[0]).toFixed(digits);
  return `$${v}^{+${up}}_{-${down}}$${MARKS[mark]}`;
}

const arrow = (m: ReportMetric) => ({ 1: ' $\\uparrow$', [-1]: ' $\\downarrow$', 0: '' })[REPORT_METRIC_INFO[m].direction];
const header = (m: ReportMetric) => REPORT_METRIC_INFO[m].latex + (REPORT_METRIC_INFO[m].wdp ? '$^*$' : '') + arrow(m);

function labelCells(row: ReportRow): string[] {
  const model = latexEscape(row.model) + (isIncomplete(row) ? `\\textsuperscript{${latexEscape(INCOMPLETE_MARK)}}` : '') + (row.isBaseline ? ' (ref.)' : '');
  return [model, latexEscape(row.method), latexEscape(row.dataset), latexEscape(row.split)];
}

const tableRow = (cells: string[]) => `${cells.join(' & ')} \\\\`;

export interface LatexOptions {
  /** Show the 95% intervals (default true). */
  ci?: boolean;
  /** \caption text (default: a description of the table). */
  caption?: string;
  label?: string;
}

export function writeLatex(table: ReportTable, options: LatexOptions = {}): string {
  const ci = options.ci ?? true;
  const { metrics } = table;
  const cols = `llll r ${metrics.map(() => 'r').join('')}`;
  const out: string[] = [];
  out.push('% groundcam report: needs \\usepackage{booktabs} in the preamble');
  out.push('\\begin{table}[t]', '\\centering', '\\small', '\\setlength{\\tabcolsep}{4pt}');
  out.push(`\\begin{tabular}{${cols}}`, '\\toprule');
  out.push(tableRow(['Model', 'Method', 'Dataset', 'Split', '$N$', ...metrics.map(header)]));
  out.push('\\midrule');
  for (const row of table.rows) {
    const cells = metrics.map((m) => cellTex(m, row.cells[m], significanceMark(deltaOf(row, m)?.p), ci));
    out.push(tableRow([...labelCells(row), String(row.n), ...cells]));
  }
  if (table.baseline && table.rows.some((r) => r.comparison)) {
    out.push('\\midrule');
    out.push(tableRow([`\\multicolumn{4}{l}{\\emph{Difference from ${latexEscape(table.baseline.label)}}}`, 'shared', ...metrics.map(() => '')]));
    for (const row of table.rows) {
      if (!row.comparison) continue;
      const cells = metrics.map((m) => {
        const d = deltaOf(row, m);
        return d ? `${num(formatDiff(m, d.diff))}${MARKS[significanceMark(d.p)]}` : '--';
      });
      out.push(tableRow([...labelCells(row), String(row.comparison.shared), ...cells]));
    }
  }
  out.push('\\bottomrule', '\\end{tabular}');
  const notes = reportNotes(table).map((n) => latexEscape(n).replace(/^\*/, '$^*$'));
  for (const row of table.rows) {
    if (row.nInvalid > 0 || row.nErrors > 0) notes.push(`${latexEscape(row.label)}: ${row.nInvalid} invalid and ${row.nErrors} failed instance${row.nInvalid + row.nErrors === 1 ? '' : 's'} not counted in $N$.`);
  }
  const pNotes = table.rows
    .filter((r) => r.comparison)
    .map((r) => {
      const d = deltaOf(r, 'pg_acc');
      return d ? `${latexEscape(r.label)}: PG ${formatP(d.p).replace('<', '$<$')}` : null;
    })
    .filter(Boolean);
  if (pNotes.length) notes.push(`McNemar p-values: ${pNotes.join('; ')}.`);
  if (notes.length) out.push('', '\\par\\smallskip', `{\\footnotesize ${notes.join(' \\\\\n')}\\par}`);
  const caption = options.caption ?? 'Q-GroundCAM metrics with 95\\% confidence intervals.';
  out.push(`\\caption{${caption}}`);
  if (options.label) out.push(`\\label{${options.label}}`);
  out.push('\\end{table}');
  return out.join('\n') + '\n';
}
