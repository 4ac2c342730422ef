import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparePaired } from '../../src/metrics/compare.js';
import { parseMetricList, REPORT_METRICS, TABLE1_METRICS } from '../../src/report/report-metrics.js';
import { buildReportTable, significanceMark } from '../../src/report/report-table.js';
import { loadRun, recordsOf, type LoadedRun } from '../../src/runs/load-run.js';
import { makeScenario, type Scenario } from './scenario.js';

describe('buildReportTable', () => {
  let s: Scenario;
  let a: LoadedRun;
  let b: LoadedRun;
  beforeAll(async () => {
    s = await makeScenario();
    a = await loadRun(s.a);
    b = await loadRun(s.b);
  });
  afterAll(() => rmSync(s.root, { recursive: true, force: true }));

  it('has one row per run with the summary figures and their intervals (Table 1 columns by default)', () => {
    const t = buildReportTable([a, b]);
    expect(t.metrics).toEqual(TABLE1_METRICS);
    expect(t.baseline).toBeNull();
    const [ra, rb] = t.rows;
    expect(ra).toMatchObject({ label: 'testnet', model: 'testnet', method: 'attention-gradcam/all', dataset: 'testset', split: 'test', n: 7, nInvalid: 1, nErrors: 1, status: 'complete', comparison: null });
    expect(rb).toMatchObject({ label: 'centre (baseline)', model: 'baseline', method: 'centre' });
    expect(ra!.cells.pg_acc).toEqual({ value: a.summary.pg_acc, ci: a.summary.pg_acc_ci });
    expect(ra!.cells.pg_unc).toEqual({ value: a.summary.pg_unc, ci: null });
    expect(ra!.cells.wdp_bin).toEqual({ value: a.summary.wdp_bin, ci: a.summary.wdp_bin_ci });
    expect(rb!.cells.pg_acc!.value).toBe(100);
  });

  it('compares each run with the baseline on the shared instances, the baseline first', () => {
    const t = buildReportTable([a], { baseline: b, metrics: ['pg_acc', 'pg_unc', 'pg_unc_rate', 'iou_soft'] });
    expect(t.rows.map((r) => r.isBaseline)).toEqual([true, false]);
    expect(t.rows[0]!.comparison).toBeNull();
    const c = t.rows[1]!.comparison!;
    const ref = comparePaired(recordsOf(b.rows), recordsOf(a.rows));
    expect(c.shared).toBe(7);
    expect(c.deltas.pg_acc).toEqual({ diff: ref.pg_hit!.diff, ci: null, p: ref.pg_hit!.p_value, test: 'mcnemar' });
    expect(c.discordant).toEqual({ baselineOnly: ref.pg_hit!.a_only, runOnly: ref.pg_hit!.b_only });
    expect(c.deltas.iou_soft).toEqual({ diff: ref.metrics!.iou_soft.diff, ci: ref.metrics!.iou_soft.diff_ci, p: ref.metrics!.iou_soft.p_value, test: 'bootstrap' });
    expect(c.deltas.pg_unc!.diff).toBeCloseTo(ref.metrics!.pg_uncertain.diff * 7, 12);
    expect(c.deltas.pg_unc_rate!.diff).toBeCloseTo(ref.metrics!.pg_uncertain.diff * 100, 12);
    // the model misses 6 of the 7 that the centre baseline hits: McNemar p = 2 · (1/2)^6
    expect(c.deltas.pg_acc!.p).toBeCloseTo(2 / 64, 12);
    expect(significanceMark(c.deltas.pg_acc!.p)).toBe('†');
  });

  it('puts the baseline first even when it is among the runs, and does not compare it with itself', () => {
    const t = buildReportTable([a, b], { baseline: b });
    expect(t.rows.map((r) => r.label)).toEqual(['centre (baseline)', 'testnet']);
    expect(t.rows[0]!.isBaseline).toBe(true);
    expect(t.rows[0]!.comparison).toBeNull();
    expect(t.rows[1]!.comparison!.shared).toBe(7);
  });
});

describe('significance marks and metric lists', () => {
  it('marks p < 0.01 with ‡ and p < 0.05 with †', () => {
    expect([0.001, 0.0099, 0.01, 0.049, 0.05, 0.5, undefined].map(significanceMark)).toEqual(['‡', '‡', '†', '†', '', '', '']);
  });

  it('parses --metrics', () => {
    expect(parseMetricList('iou_soft, pg_acc')).toEqual(['iou_soft', 'pg_acc']);
    expect(parseMetricList('table1')).toEqual(TABLE1_METRICS);
    expect(parseMetricList('all')).toEqual(REPORT_METRICS);
    expect(() => parseMetricList('iou')).toThrow(/unknown metric "iou": choose from pg_acc/);
  });
});
