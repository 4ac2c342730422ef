// Step 1 (resize) against the numpy reference's maps and against torch.nn.functional.interpolate.
import { describe, expect, it } from 'vitest';
import { axisTaps, keysCubic, nearestIndices, resize, resizeInto, sourceCoordinate, TapsCache } from '../../src/metrics/resize.js';
import { gridOf, loadMaps } from './goldens.js';

function maxAbsDiff(a: Float64Array, b: number[][]): number {
  const flat = b.flat();
  expect(a.length).toBe(flat.length);
  let m = 0;
  flat.forEach((v, k) => (m = Math.max(m, Math.abs(a[k]! - v))));
  return m;
}

describe('keysCubic (a = -0.75)', () => {
  it('has the values of the kernel', () => {
    expect(keysCubic(0)).toBe(1);
    expect(keysCubic(1)).toBe(0);
    expect(keysCubic(2)).toBe(0);
    expect(keysCubic(2.5)).toBe(0);
    expect(keysCubic(0.5)).toBe(0.59375);
    expect(keysCubic(-0.5)).toBe(0.59375);
    expect(keysCubic(1.5)).toBe(-0.09375);
  });
  it('gives weights that sum to 1', () => {
    for (const t of [0, 0.1, 0.25, 0.5, 0.77, 0.999]) {
      expect(keysCubic(t + 1) + keysCubic(t) + keysCubic(1 - t) + keysCubic(2 - t)).toBeCloseTo(1, 14);
    }
  });
});

describe('taps', () => {
  it('maps output centres to input centres (align_corners = False)', () => {
    expect(sourceCoordinate(0, 24, 480)).toBeCloseTo(0.025 - 0.5, 15);
    expect(sourceCoordinate(479, 24, 480)).toBeCloseTo(23.975 - 0.5, 12);
    expect(sourceCoordinate(3, 10, 10)).toBe(3);
  });
  it('clamps bicubic taps to the border', () => {
    const t = axisTaps(5, 20, 'bicubic');
    expect(t.count).toBe(4);
    expect([...t.index.subarray(0, 4)]).toEqual([0, 0, 0, 1]); // s = -0.375: taps -2..1
    expect([...t.index.subarray(76, 80)]).toEqual([3, 4, 4, 4]);
  });
  it('is the identity when sizes are equal', () => {
    const t = axisTaps(7, 7, 'bicubic');
    for (let o = 0; o < 7; o++) expect([...t.weight.subarray(4 * o, 4 * o + 4)]).toEqual([0, 1, 0, 0]);
    const l = axisTaps(7, 7, 'bilinear');
    for (let o = 0; o < 7; o++) expect([...l.weight.subarray(2 * o, 2 * o + 2)]).toEqual([1, 0]);
  });
  it('computes nearest indices in exact integer arithmetic', () => {
    // PyTorch's legacy nearest with a float32 scale gives 6 here (0.35f · 20 < 7); the exact rule gives 7
    expect(nearestIndices(14, 40)[20]).toBe(7);
    expect([...nearestIndices(3, 7)]).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect([...nearestIndices(7, 3)]).toEqual([0, 2, 4]);
  });
});

describe('resize', () => {
  it.each(loadMaps('resize.json').map((m) => [`${m.mode} ${m.grid.length}x${m.grid[0]!.length} -> ${m.height}x${m.width}`, m] as const))(
    'matches the numpy reference: %s',
    (_n, m) => {
      const { grid, gh, gw } = gridOf(m);
      expect(maxAbsDiff(resize(grid, gh, gw, m.height, m.width, m.mode), m.u)).toBeLessThanOrEqual(1e-13);
    },
  );

  const torch = loadMaps('torch-resize.json');
  it.each(torch.map((m) => [`${m.mode} ${m.grid.length}x${m.grid[0]!.length} -> ${m.height}x${m.width}`, m] as const))(
    'matches torch F.interpolate: %s',
    (_n, m) => {
      const { grid, gh, gw } = gridOf(m);
      const u = resize(grid, gh, gw, m.height, m.width, m.mode);
      // torch (AVX FMA) differs from plain float64 arithmetic by a few ulps; nearest picks the same pixels
      expect(maxAbsDiff(u, m.u)).toBeLessThanOrEqual(m.mode === 'nearest' ? 0 : 1e-13);
    },
  );

  it('keeps a grid already at image size exactly, float32 included', () => {
    const g = Float32Array.from({ length: 12 }, (_, k) => Math.sin(k) * 1e-3);
    for (const mode of ['bicubic', 'bilinear', 'nearest'] as const) {
      expect([...resize(g, 3, 4, 3, 4, mode)]).toEqual([...g]);
    }
  });

  it('reports the range of the result and reuses its buffers', () => {
    const cache = new TapsCache();
    const out = new Float64Array(100 * 80);
    const scratch = new Float64Array(10 * 80);
    const g = Float64Array.from({ length: 100 }, (_, k) => Math.cos(k / 3));
    for (const mode of ['bicubic', 'bilinear', 'nearest'] as const) {
      const r = resizeInto(g, 10, 10, 100, 80, mode, out, scratch, cache);
      const u = out.subarray(0, 8000);
      expect(r.min).toBe(Math.min(...u));
      expect(r.max).toBe(Math.max(...u));
      expect([...u]).toEqual([...resize(g, 10, 10, 100, 80, mode)]);
    }
  });
});
