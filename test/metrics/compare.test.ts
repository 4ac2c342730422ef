// Paired comparison of two runs: McNemar for pg_hit, paired bootstrap for the rest.
import { describe, expect, it } from 'vitest';
import { comparePaired, PAIRED_METRICS } from '../../src/metrics/compare.js';
import type { InstanceMetrics, InstanceRecord } from '../../src/metrics/instance.js';
import { mcnemarExact } from '../../src/metrics/stats.js';

const base: InstanceMetrics = {
  pg_hit: 0,
  pg_uncertain: 0,
  peaks: 1,
  iou_soft: 0.1,
  iou_bin: 0.1,
  dice_soft: 0.2,
  dice_bin: 0.2,
  io_ratio: 0.3,
  wdp_soft: 0.4,
  wdp_bin: 0.4,
  degenerate: false,
};

describe('comparePaired', () => {
  it('finds no difference between a run and itself', () => {
    const run: InstanceRecord[] = Array.from({ length: 40 }, (_, k) => ({ id: `i${k}`, ...base, pg_hit: (k % 2) as 0 | 1, iou_soft: k / 40 }));
    const c = comparePaired(run, run);
    expect(c.n).toBe(40);
    expect(c.pg_hit).toEqual({ acc_a: 50, acc_b: 50, diff: 0, a_only: 0, b_only: 0, p_value: 1 });
    for (const m of PAIRED_METRICS) {
      expect(c.metrics![m].diff).toBe(0);
      expect(c.metrics![m].diff_ci).toEqual([0, 0]);
      expect(c.metrics![m].p_value).toBe(1);
    }
  });

  it('counts discordant pairs on shared ids only and tests them with McNemar', () => {
    const a: InstanceRecord[] = [];
    const b: InstanceRecord[] = [];
    for (let k = 0; k < 30; k++) {
      const hitA = (k < 10 ? 1 : 0) as 0 | 1; // a hits the first 10
      const hitB = (k < 20 ? 1 : 0) as 0 | 1; // b hits the first 20
      a.push({ id: `i${k}`, ...base, pg_hit: hitA, iou_soft: 0.1 });
      b.push({ id: `i${k}`, ...base, pg_hit: hitB, iou_soft: 0.3 });
    }
    a.push({ id: 'only-a', ...base });
    b.push({ id: 'only-b', ...base }, { id: 'bad', invalid: 'no boxes' });
    a.push({ id: 'bad', ...base });
    const c = comparePaired(a, b);
    expect(c.n).toBe(30);
    expect(c.only_a).toBe(2); // only-a, and bad (invalid in b)
    expect(c.only_b).toBe(1);
    expect(c.pg_hit!.a_only).toBe(0);
    expect(c.pg_hit!.b_only).toBe(10);
    expect(c.pg_hit!.diff).toBeCloseTo(100 / 3, 12);
    expect(c.pg_hit!.p_value).toBe(mcnemarExact(0, 10));
    const iou = c.metrics!.iou_soft;
    expect(iou.diff).toBeCloseTo(0.2, 12);
    expect(iou.diff_ci[0]).toBeCloseTo(0.2, 12);
    expect(iou.p_value).toBeLessThan(0.01);
  });

  it('is deterministic and independent of record order', () => {
    const a: InstanceRecord[] = Array.from({ length: 50 }, (_, k) => ({ id: `i${k}`, ...base, io_ratio: Math.sin(k) ** 2 }));
    const b: InstanceRecord[] = Array.from({ length: 50 }, (_, k) => ({ id: `i${k}`, ...base, io_ratio: Math.cos(k) ** 2 }));
    const c1 = comparePaired(a, b);
    const c2 = comparePaired([...a].reverse(), [...b].reverse());
    expect(c2.metrics!.io_ratio.diff_ci).toEqual(c1.metrics!.io_ratio.diff_ci);
    expect(c2.metrics!.io_ratio.p_value).toBe(c1.metrics!.io_ratio.p_value);
  });

  it('returns no figures without shared instances', () => {
    const c = comparePaired([{ id: 'a', ...base }], [{ id: 'b', ...base }]);
    expect(c.n).toBe(0);
    expect(c.pg_hit).toBeNull();
    expect(c.metrics).toBeNull();
  });
});
