// A report table written out by hand (two runs against a baseline, one unfinished, one with invalid
// instances), for the golden tests of the writers.
import { DEFAULT_AGGREGATE_OPTIONS } from '../../src/metrics/options.js';
import type { ReportRow, ReportTable } from '../../src/report/report-table.js';

const base = {
  dataset: 'refcoco+',
  split: 'testA',
  nDegenerate: 0,
  summarySource: 'summary.json' as const,
  status: 'complete',
  comparison: null,
  isBaseline: false,
};

export const centre: ReportRow = {
  ...base,
  runId: 'centre-run',
  runDir: '/runs/centre-run',
  label: 'centre (baseline)',
  model: 'baseline',
  method: 'centre',
  n: 100,
  nInvalid: 0,
  nErrors: 0,
  progress: { done: 100, total: 100 },
  cells: {
    pg_acc: { value: 40, ci: [30.94, 49.80] },
    pg_unc: { value: 0, ci: null },
    iou_soft: { value: 0.1, ci: [0.09, 0.112] },
    wdp_soft: { value: 0.3, ci: [0.28, 0.325] },
  },
  isBaseline: true,
};

export const albef: ReportRow = {
  ...base,
  runId: 'albef_amc-run',
  runDir: '/runs/albef_amc-run',
  label: 'albef_amc',
  model: 'albef_amc',
  method: 'attention-gradcam/all',
  n: 98,
  nInvalid: 2,
  nErrors: 0,
  progress: { done: 100, total: 100 },
  cells: {
    pg_acc: { value: 78.5714, ci: [69.46, 85.52] },
    pg_unc: { value: 3, ci: null },
    iou_soft: { value: 0.14213, ci: [0.1312, 0.1534] },
    wdp_soft: { value: 0.25, ci: [0.235, 0.26] },
  },
  comparison: {
    shared: 98,
    onlyBaseline: 2,
    onlyRun: 0,
    discordant: { baselineOnly: 4, runOnly: 42 },
    deltas: {
      pg_acc: { diff: 38.7755, ci: null, p: 1.2e-8, test: 'mcnemar' },
      pg_unc: { diff: 3, ci: [0, 6], p: 0.083, test: 'bootstrap' },
      iou_soft: { diff: 0.0421, ci: [0.03, 0.055], p: 0.002, test: 'bootstrap' },
      wdp_soft: { diff: -0.05, ci: [-0.09, -0.004], p: 0.031, test: 'bootstrap' },
    },
  },
};

export const blip: ReportRow = {
  ...base,
  runId: 'blip-run',
  runDir: '/runs/blip-run',
  label: 'blip_base',
  model: 'blip_base',
  method: 'attention-gradcam/words',
  status: 'running',
  summarySource: 'recomputed',
  n: 50,
  nInvalid: 0,
  nErrors: 1,
  progress: { done: 51, total: 100 },
  cells: {
    pg_acc: { value: 68, ci: [54.2, 79.2] },
    pg_unc: { value: 7, ci: null },
    iou_soft: { value: 0.12, ci: [0.1, 0.14] },
    wdp_soft: { value: 0.31, ci: [0.29, 0.33] },
  },
  comparison: {
    shared: 50,
    onlyBaseline: 50,
    onlyRun: 0,
    discordant: { baselineOnly: 10, runOnly: 14 },
    deltas: {
      pg_acc: { diff: 8, ci: null, p: 0.541, test: 'mcnemar' },
      pg_unc: { diff: 7, ci: [3, 11], p: 0.002, test: 'bootstrap' },
      iou_soft: { diff: 0.02, ci: [-0.001, 0.04], p: 0.07, test: 'bootstrap' },
      wdp_soft: { diff: 0.0004, ci: [-0.01, 0.01], p: 0.93, test: 'bootstrap' },
    },
  },
};

export const TABLE: ReportTable = {
  metrics: ['pg_acc', 'pg_unc', 'iou_soft', 'wdp_soft'],
  rows: [centre, albef, blip],
  baseline: { label: 'centre (baseline)', runDir: '/runs/centre-run' },
  aggregate: { ...DEFAULT_AGGREGATE_OPTIONS },
};

/** The same runs without a baseline. */
export const PLAIN_TABLE: ReportTable = {
  ...TABLE,
  rows: [{ ...centre, isBaseline: false }, { ...albef, comparison: null }],
  baseline: null,
};
