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
