import { describe, expect, it } from 'vitest';
import { baselineGrid, centreGrid, DEFAULT_BASELINE_OPTIONS, hashString, randomGrid, uniformGrid } from '../../src/cam/baselines.js';

describe('baselines', () => {
  it('centre: a symmetric Gaussian peaking at the middle cells', () => {
    const g = centreGrid(4, 0.25);
    // cell centres at 0.5..3.5, centre 2, sigma 1: value exp(-(dx²+dy²)/2)
    expect(g.data[1 * 4 + 1]).toBeCloseTo(Math.exp(-(0.25 + 0.25) / 2), 6);
    expect(g.data[0]).toBeCloseTo(Math.exp(-(2.25 + 2.25) / 2), 6);
    expect(g.data[0]).toBeCloseTo(g.data[15]!, 7);
    const max = Math.max(...g.data);
    expect([5, 6, 9, 10].every((i) => g.data[i] === max)).toBe(true);
  });

  it('uniform: constant', () => {
    expect(new Set(uniformGrid(5).data).size).toBe(1);
  });

  it('random: in [0, 1), the same per (seed, id), different across ids and seeds', () => {
    const a = randomGrid(8, 1, 'x/1').data;
    expect(Array.from(randomGrid(8, 1, 'x/1').data)).toEqual(Array.from(a));
    expect(Array.from(randomGrid(8, 1, 'x/2').data)).not.toEqual(Array.from(a));
    expect(Array.from(randomGrid(8, 2, 'x/1').data)).not.toEqual(Array.from(a));
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
  });

  it('FNV-1a matches known vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('dispatches by name with the default grid', () => {
    expect(baselineGrid('centre', DEFAULT_BASELINE_OPTIONS, 'i').h).toBe(24);
  });
});
