// What the live table shows of one run: a plain view model, built by the eval pipeline, rendered by
// eval-table.tsx (terminal UI) or plain-table.ts (no TTY).

import { TABLE1_METRICS } from '../report/report-metrics.js';

/** The live table's rows: the columns of the paper's Table 1, as `groundcam report` shows them. */
export const TABLE_METRICS = TABLE1_METRICS;
export type TableMetric = (typeof TABLE_METRICS)[number];

export const METRIC_LABELS: Record<TableMetric, string> = {
  pg_acc: 'PG acc %',
  pg_unc: 'PG uncertain',
  iou_soft: 'IoU soft',
  iou_bin: 'IoU bin',
  dice_soft: 'Dice soft',
  dice_bin: 'Dice bin',
  io_ratio: 'IO ratio',
  wdp_soft: 'WDP soft *',
  wdp_bin: 'WDP bin *',
};

/** A value with its 95% interval; for pg_unc the value is the count and `rate` the share. */
export interface MetricCell {
  value: number;
  ci: [number, number] | null;
  rate?: number;
}

export type RunStatusView = 'pending' | 'running' | 'done' | 'failed' | 'interrupted';

export interface RunView {
  label: string;
  status: RunStatusView;
  done: number;
  total: number;
  errors: number;
  invalid: number;
  /** Instances per second over the last seconds; null until measured. */
  rate: number | null;
  /** Seconds left; null when unknown. */
  eta: number | null;
  /** A line for the user (device fallback, failure reason). */
  note?: string;
  metrics: Partial<Record<TableMetric, MetricCell>>;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** A metric cell as text: `78.4 ± 3.2` (percent), `14 (2.3%)` (count), `0.142 ± 0.004` (means). */
export function formatCell(metric: TableMetric, cell: MetricCell | undefined): string {
  if (!cell || !Number.isFinite(cell.value)) return '–';
  if (metric === 'pg_unc') return `${cell.value} (${((cell.rate ?? 0) * 100).toFixed(1)}%)`;
  const digits = metric === 'pg_acc' ? 1 : 3;
  const v = cell.value.toFixed(digits);
  if (!cell.ci) return v;
  const half = Math.max(cell.value - cell.ci[0], cell.ci[1] - cell.value);
  return `${v} ± ${half.toFixed(digits)}`;
}

/** A text progress bar of `width` cells. */
export function progressBar(done: number, total: number, width: number): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** The progress cell: bar and counts while running, a word otherwise. */
export function formatProgress(run: RunView, barWidth: number): string {
  switch (run.status) {
    case 'pending':
      return 'waiting';
    case 'done':
      return `done ${run.done}/${run.total}`;
    case 'failed':
      return `failed at ${run.done}/${run.total}`;
    case 'interrupted':
      return `stopped ${run.done}/${run.total}`;
    case 'running':
      return `${progressBar(run.done, run.total, barWidth)} ${run.done}/${run.total}`;
  }
}

export function formatSpeed(run: RunView): string {
  if (run.rate === null) return '–';
  const rate = run.rate >= 100 ? run.rate.toFixed(0) : run.rate.toFixed(1);
  return run.status === 'running' && run.eta !== null ? `${rate}/s · ETA ${formatDuration(run.eta)}` : `${rate}/s`;
}
