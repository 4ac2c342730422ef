// The metric columns a report can show (metrics.md §5), with their labels, digits and direction, in one
// place for every writer. The default set is the paper's Table 1.

import { MEAN_METRICS } from '../metrics/instance.js';

export const REPORT_METRICS = ['pg_acc', 'pg_unc', 'pg_unc_rate', ...MEAN_METRICS] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];

/** The columns of Q-GroundCAM's Table 1, the default of `groundcam report`. */
export const TABLE1_METRICS = ['pg_acc', 'pg_unc', 'iou_soft', 'iou_bin', 'dice_soft', 'dice_bin', 'io_ratio', 'wdp_soft', 'wdp_bin'] as const satisfies readonly ReportMetric[];

export interface ReportMetricInfo {
  /** Column header in Markdown and plain text. */
  label: string;
  /** Column header in LaTeX (already escaped). */
  latex: string;
  /** Decimals shown in Markdown and LaTeX (CSV and JSON keep full precision). */
  digits: number;
  /** +1: higher is better; -1: lower is better; 0: neither. */
  direction: 1 | -1 | 0;
  /** Whether the figure has a 95% interval (the pg_unc count has none; its rate does). */
  hasCi: boolean;
  /** On groundcam's own WDP scale (footnote). */
  wdp: boolean;
}

export const REPORT_METRIC_INFO: Record<ReportMetric, ReportMetricInfo> = {
  pg_acc: { label: 'PG acc (%)', latex: 'PG (\\%)', digits: 2, direction: 1, hasCi: true, wdp: false },
  pg_unc: { label: 'PG-unc', latex: 'PG-unc', digits: 0, direction: -1, hasCi: false, wdp: false },
  pg_unc_rate: { label: 'PG-unc (%)', latex: 'PG-unc (\\%)', digits: 2, direction: -1, hasCi: true, wdp: false },
  peaks: { label: 'peaks', latex: 'Peaks', digits: 2, direction: 0, hasCi: true, wdp: false },
  iou_soft: { label: 'IoU soft', latex: 'IoU\\textsubscript{soft}', digits: 3, direction: 1, hasCi: true, wdp: false },
  iou_bin: { label: 'IoU bin', latex: 'IoU\\textsubscript{bin}', digits: 3, direction: 1, hasCi: true, wdp: false },
  dice_soft: { label: 'Dice soft', latex: 'Dice\\textsubscript{soft}', digits: 3, direction: 1, hasCi: true, wdp: false },
  dice_bin: { label: 'Dice bin', latex: 'Dice\\textsubscript{bin}', digits: 3, direction: 1, hasCi: true, wdp: false },
  io_ratio: { label: 'IO ratio', latex: 'IO ratio', digits: 3, direction: 1, hasCi: true, wdp: false },
  wdp_soft: { label: 'WDP soft', latex: 'WDP\\textsubscript{soft}', digits: 3, direction: -1, hasCi: true, wdp: true },
  wdp_bin: { label: 'WDP bin', latex: 'WDP\\textsubscript{bin}', digits: 3, direction: -1, hasCi: true, wdp: true },
};

/** Parses `--metrics a,b,c` (report metric names, or `table1` for the default set); throws with the valid names. */
export function parseMetricList(text: string): ReportMetric[] {
  const out: ReportMetric[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (part === 'table1') out.push(...TABLE1_METRICS);
    else if (part === 'all') out.push(...REPORT_METRICS);
    else if ((REPORT_METRICS as readonly string[]).includes(part)) out.push(part as ReportMetric);
    else throw new RangeError(`unknown metric "${part}": choose from ${REPORT_METRICS.join(', ')} (or table1, all)`);
  }
  if (out.length === 0) throw new RangeError('no metric named');
  return [...new Set(out)];
}
