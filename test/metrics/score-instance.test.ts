// Every golden instance of the numpy reference (test/reference/metrics_reference.py), scored by groundcam.
import { describe, expect, it } from 'vitest';
import { INSTANCE_METRIC_FIELDS, isInvalid } from '../../src/metrics/instance.js';
import { resolveMetricOptions } from '../../src/metrics/options.js';
import { MetricsWorkspace, scoreInstance, scoreInstanceDetailed } from '../../src/metrics/score-instance.js';
import { gridOf, loadCases } from './goldens.js';

const cases = loadCases();
const EXACT = new Set(['pg_hit', 'pg_uncertain', 'peaks', 'degenerate']);

describe('scoreInstance against the numpy reference', () => {
  const ws = new MetricsWorkspace();
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { grid, gh, gw } = gridOf(c);
    const options = resolveMetricOptions(c.options);
    const r = scoreInstanceDetailed(grid, gh, gw, c.boxes, c.width, c.height, options, {}, ws);
    if ('invalid' in c.expected) {
      expect(r).toHaveProperty('invalid');
      expect((r as { invalid: string }).invalid).toBe(c.expected.invalid);
      return;
    }
    if ('invalid' in r) throw new Error(`unexpectedly invalid: ${r.invalid}`);
    for (const f of INSTANCE_METRIC_FIELDS) {
      const want = c.expected[f];
      if (EXACT.has(f)) expect(r.metrics[f], f).toBe(want);
      else expect(Math.abs((r.metrics[f] as number) - (want as number)), `${f}: ${r.metrics[f]} vs ${want}`).toBeLessThanOrEqual(1e-9);
    }
    const d = c.details!;
    if (!r.metrics.degenerate) expect([r.details.argmax!.x, r.details.argmax!.y]).toEqual(d.argmax);
    expect(r.details.peaks.map((p) => [p.x, p.y, p.q])).toEqual(d.peaks);
    expect(r.details.maxDistance).toBeCloseTo(d.max_d, 9);
    // the plain form returns the same metrics
    const plain = scoreInstance(grid, gh, gw, c.boxes, c.width, c.height, options, ws);
    expect(isInvalid(plain) ? plain : { ...plain }).toEqual(r.metrics);
  });
});

describe('scoreInstance behaviour', () => {
  const options = resolveMetricOptions({});
  const grid = Float64Array.from({ length: 36 }, (_, k) => Math.sin(k * 1.7) + k / 50);

  it('gives the same result with a fresh or a reused workspace, across sizes', () => {
    const ws = new MetricsWorkspace();
    const sizes: [number, number][] = [[64, 48], [13, 90], [640, 480], [64, 48]];
    for (const [W, H] of sizes) {
      const box: [number, number, number, number] = [W * 0.2, H * 0.3, W * 0.7, H * 0.9];
      expect(scoreInstance(grid, 6, 6, [box], W, H, options, ws)).toEqual(scoreInstance(grid, 6, 6, [box], W, H, options, new MetricsWorkspace()));
    }
  });

  it('scores float32 and float64 grids with equal values alike', () => {
    const g32 = Float32Array.from(grid);
    const g64 = Float64Array.from(g32);
    expect(scoreInstance(g32, 6, 6, [[5, 5, 20, 20]], 40, 30)).toEqual(scoreInstance(g64, 6, 6, [[5, 5, 20, 20]], 40, 30));
  });

  it('returns A, p* and the kept peaks for drill-down views', () => {
    const r = scoreInstanceDetailed(grid, 6, 6, [[5, 5, 20, 20]], 40, 30, options, { normalised: true });
    if ('invalid' in r) throw new Error(r.invalid);
    const a = r.details.normalised!;
    expect(a.length).toBe(1200);
    expect(Math.min(...a)).toBe(0);
    expect(Math.max(...a)).toBe(1);
    const p = r.details.argmax!;
    expect(a[p.y * 40 + p.x]).toBe(1);
    expect(a.indexOf(1)).toBe(p.y * 40 + p.x);
    expect(r.details.peaks.length).toBe(r.metrics.peaks);
    expect(r.details.peaks[0]!.q).toBe(255);
    expect(r.details.boxes).toEqual([[5, 5, 20, 20]]);
  });

  it('scores a degenerate map as A = 0, keeping it countable', () => {
    const r = scoreInstance(new Float32Array(16).fill(3), 4, 4, [[0, 0, 10, 10]], 20, 20);
    expect(r).toEqual({
      pg_hit: 0,
      pg_uncertain: 0,
      peaks: 0,
      iou_soft: 0.001 / 100.001,
      iou_bin: 0.001 / 100.001,
      dice_soft: 0.002 / 100.001,
      dice_bin: 0.002 / 100.001,
      io_ratio: 0,
      wdp_soft: 0,
      wdp_bin: 0,
      degenerate: true,
    });
  });

  it('scores a constant grid of large values as degenerate, whatever the resize rounding does', () => {
    // bicubic weights sum to 1 only up to a few ulps: at |value| ~ 1e3 the resized map varies by ~1e-12
    for (const resize of ['bicubic', 'bilinear', 'nearest'] as const) {
      const r = scoreInstance(new Float64Array(1).fill(-867.5309), 1, 1, [[10, 10, 50, 30]], 225, 60, resolveMetricOptions({ resize }));
      expect(r).toMatchObject({ degenerate: true, pg_hit: 0, peaks: 0 });
    }
  });

  it('refuses arguments of the wrong shape', () => {
    expect(() => scoreInstance(new Float64Array(5), 2, 3, [[0, 0, 1, 1]], 4, 4)).toThrow(RangeError);
    expect(() => scoreInstance(new Float64Array(6), 2, 3, [[0, 0, 1, 1]], 0, 4)).toThrow(RangeError);
  });
});
