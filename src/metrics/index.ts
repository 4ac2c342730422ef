// The metrics' public API (../shared/spec/metrics.md): score instances, aggregate runs, compare runs.
export { RunAggregator, summariseRecords, type Interval, type RunSummary } from './aggregate.js';
export { comparePaired, PAIRED_METRICS, type PairedComparison, type PairedDifference, type PairedMetric } from './compare.js';
export {
  INSTANCE_METRIC_FIELDS,
  MEAN_METRICS,
  isInvalid,
  toRecord,
  type InstanceMetrics,
  type InstanceRecord,
  type InstanceScore,
  type InvalidInstance,
  type MeanMetric,
} from './instance.js';
export {
  DEFAULT_AGGREGATE_OPTIONS,
  DEFAULT_METRIC_OPTIONS,
  METRIC_OPTION_DOCS,
  RESIZE_MODES,
  resolveAggregateOptions,
  resolveMetricOptions,
  type AggregateOptions,
  type MetricOptions,
  type ResizeMode,
} from './options.js';
export { resize, resizeInto, type Grid } from './resize.js';
export {
  MetricsWorkspace,
  scoreInstance,
  scoreInstanceDetailed,
  type DetailedScore,
  type ScoreDetails,
} from './score-instance.js';
