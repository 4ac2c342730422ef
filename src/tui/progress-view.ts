// RunProgress (from the evaluator) → RunView (what the table shows).
import type { RunProgress } from '../runs/evaluate.js';
import { TABLE_METRICS, type MetricCell, type RunView, type TableMetric } from './run-view.js';

export function toRunView(p: RunProgress): RunView {
  const metrics: Partial<Record<TableMetric, MetricCell>> = {};
  const s = p.summary;
  if (s && s.n > 0) {
    for (const m of TABLE_METRICS) {
      if (m === 'pg_unc') metrics.pg_unc = { value: s.pg_unc, ci: null, rate: (s.pg_unc_rate ?? 0) / 100 };
      else {
        const value = s[m];
        if (value !== null) metrics[m] = { value, ci: s[`${m}_ci`] };
      }
    }
  }
  const view: RunView = {
    label: p.label,
    status: p.status === 'complete' ? 'done' : p.status,
    done: p.done,
    total: p.total,
    errors: p.errors,
    invalid: p.invalid,
    rate: p.rate,
    eta: p.eta,
    metrics,
  };
  if (p.note) view.note = p.note;
  return view;
}
