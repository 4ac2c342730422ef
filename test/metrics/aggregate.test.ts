// Step 5: counts, means, Wilson and bootstrap intervals of a run.
import { describe, expect, it } from 'vitest';
import { RunAggregator, summariseRecords } from '../../src/metrics/aggregate.js';
import { MEAN_METRICS, type InstanceMetrics, type InstanceRecord } from '../../src/metrics/instance.js';
import { wilsonInterval, Xoshiro128 } from '../../src/metrics/stats.js';

function randomMetrics(rng: Xoshiro128): InstanceMetrics {
  const u = () => rng.nextUint32() / 2 ** 32;
  return {
    pg_hit: u() < 0.7 ? 1 : 0,
    pg_uncertain: u() < 0.1 ? 1 : 0,
    peaks: rng.nextBelow(6),
    iou_soft: u() * 0.4,
    iou_bin: u() * 0.5,
    dice_soft: u() * 0.6,
    dice_bin: u() * 0.7,
    io_ratio: u(),
    wdp_soft: u() * 0.5,
    wdp_bin: u() * 0.5,
    degenerate: u() < 0.05,
  };
}

function records(n: number, seed = 3): InstanceRecord[] {
  const rng = new Xoshiro128(seed);
  const out: InstanceRecord[] = [];
  for (let k = 0; k < n; k++) out.push(k % 17 === 5 ? { id: `i${k}`, invalid: 'no boxes' } : { id: `i${k}`, ...randomMetrics(rng) });
  return out;
}

describe('RunAggregator', () => {
  const recs = records(300);
  const valid = recs.filter((r): r is Extract<InstanceRecord, { pg_hit: 0 | 1 }> => !('invalid' in r));

  it('counts and averages over the scored instances', () => {
    const s = summariseRecords(recs);
    expect(s.n).toBe(valid.length);
    expect(s.n_invalid).toBe(recs.length - valid.length);
    expect(s.n_degenerate).toBe(valid.filter((r) => r.degenerate).length);
    const hits = valid.reduce((t, r) => t + r.pg_hit, 0);
    expect(s.pg_acc).toBeCloseTo((100 * hits) / valid.length, 12);
    expect(s.pg_acc_ci![0]).toBeCloseTo(100 * wilsonInterval(hits, valid.length)![0], 12);
    const unc = valid.reduce((t, r) => t + r.pg_uncertain, 0);
    expect(s.pg_unc).toBe(unc);
    expect(s.pg_unc_rate).toBeCloseTo((100 * unc) / valid.length, 12);
    for (const m of MEAN_METRICS) {
      const mean = valid.reduce((t, r) => t + r[m], 0) / valid.length;
      expect(s[m]).toBeCloseTo(mean, 12);
      const ci = s[`${m}_ci`]!;
      expect(ci[0]).toBeLessThan(mean);
      expect(ci[1]).toBeGreaterThan(mean);
    }
  });

  it('gives the same summary whatever the order of the instances', () => {
    const a = summariseRecords(recs);
    const b = summariseRecords([...recs].reverse());
    for (const m of MEAN_METRICS) {
      expect(b[`${m}_ci`]).toEqual(a[`${m}_ci`]);
      expect(b[m]).toBeCloseTo(a[m]!, 12);
    }
  });

  it('is reproducible with a seed and changes with another', () => {
    expect(summariseRecords(recs, { seed: 5 }).iou_soft_ci).toEqual(summariseRecords(recs, { seed: 5 }).iou_soft_ci);
    expect(summariseRecords(recs, { seed: 5 }).iou_soft_ci).not.toEqual(summariseRecords(recs, { seed: 6 }).iou_soft_ci);
  });

  it('bootstrap CIs shrink with more instances', () => {
    const width = (s: ReturnType<typeof summariseRecords>) => s.io_ratio_ci![1] - s.io_ratio_ci![0];
    expect(width(summariseRecords(records(2000)))).toBeLessThan(width(summariseRecords(records(100))));
  });

  it('keeps running means for a live view', () => {
    const agg = new RunAggregator();
    expect(agg.mean('iou_soft')).toBeNull();
    agg.add('a', { ...valid[0]! });
    agg.add('b', { ...valid[1]! });
    agg.add('c', { invalid: 'x' });
    expect(agg.n).toBe(2);
    expect(agg.nInvalid).toBe(1);
    expect(agg.mean('iou_soft')).toBeCloseTo((valid[0]!.iou_soft + valid[1]!.iou_soft) / 2, 15);
    expect(agg.mean('pg_hit')).toBe((valid[0]!.pg_hit + valid[1]!.pg_hit) / 2);
    expect(() => agg.add('a', { invalid: 'again' })).toThrow(/already added/);
    expect(agg.records().map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('has null figures and CIs for an empty run', () => {
    const s = summariseRecords([{ id: 'x', invalid: 'no boxes' }]);
    expect(s.n).toBe(0);
    expect(s.n_invalid).toBe(1);
    expect(s.pg_acc).toBeNull();
    expect(s.pg_acc_ci).toBeNull();
    expect(s.iou_soft).toBeNull();
    expect(s.iou_soft_ci).toBeNull();
  });
});
