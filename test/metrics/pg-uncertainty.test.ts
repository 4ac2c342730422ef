// pg_uncertain's pieces: quantisation, peak level, 8-neighbourhood peaks, ordering, greedy NMS, top peaks.
import { describe, expect, it } from 'vitest';
import {
  findPeaks,
  greedyNms,
  isUncertain,
  nextUp,
  orderPeaks,
  peakLevel,
  quantise,
  quantiseCandidates,
  roundHalfEven,
} from '../../src/metrics/pg-uncertainty.js';
import { Xoshiro128 } from '../../src/metrics/stats.js';

describe('quantisation', () => {
  it('rounds half to even like np.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, 254.5, 253.5, 2.4999999, 2.5000001, -0.5, -1.5].map(roundHalfEven)).toEqual([
      0, 2, 2, 4, 254, 254, 2, 3, -0, -2,
    ]);
    expect(quantise(0.7, 255)).toBe(178); // 178.5 → 178
    expect(quantise(0.3, 0)).toBe(0.3);
  });
  it('finds the lowest level above the threshold, in float64', () => {
    expect(peakLevel(255, 0.7)).toBe(179); // 178/255 = 0.698, 179/255 = 0.702
    expect(peakLevel(10, 0.7)).toBe(8); // 7/10 == 0.7 is not > 0.7
    expect(peakLevel(1, 0.7)).toBe(1);
    expect(peakLevel(255, 1)).toBe(256); // none
    expect(peakLevel(255, -0.1)).toBe(0);
  });
  it('nextUp is the next double', () => {
    expect(nextUp(0.7) > 0.7).toBe(true);
    expect((0.7 + nextUp(0.7)) / 2 === 0.7 || (0.7 + nextUp(0.7)) / 2 === nextUp(0.7)).toBe(true);
    expect(nextUp(-1) > -1 && nextUp(-1) < -0.9999999999).toBe(true);
  });
  it('quantises candidates and drops those below the lowest level', () => {
    const u = Float64Array.from([0.2, 0.69, 0.71, 1]);
    quantiseCandidates(u, Int32Array.from([1, 2, 3]), 3, 255, 179);
    expect([...u]).toEqual([0.2, -1, 181, 255]);
    const v = Float64Array.from([0.2, 0.71]);
    quantiseCandidates(v, Int32Array.from([1]), 1, 0, 0);
    expect([...v]).toEqual([0.2, 0.71]); // levels = 0: Q = A
  });
});

/** Brute force of metrics.md §4 steps 2–3 on a full Q map. */
function bruteForcePeaks(q: Float64Array, W: number, H: number, threshold: number, radius: number): number[] {
  const peaks: number[] = [];
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const v = q[i * W + j]!;
      if (!(v > threshold)) continue;
      let ok = true;
      for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
        const ii = i + di;
        const jj = j + dj;
        if ((di || dj) && ii >= 0 && ii < H && jj >= 0 && jj < W && q[ii * W + jj]! > v) ok = false;
      }
      if (ok) peaks.push(i * W + j);
    }
  }
  peaks.sort((a, b) => q[b]! - q[a]! || a - b);
  const kept: number[] = [];
  for (const p of peaks) {
    const [y, x] = [Math.floor(p / W), p % W];
    if (kept.every((k) => (Math.floor(k / W) - y) ** 2 + ((k % W) - x) ** 2 >= radius * radius)) kept.push(p);
  }
  return kept;
}

describe('peaks and NMS', () => {
  const rng = new Xoshiro128(7);
  it.each([...Array(30).keys()])('match a brute force on random quantised maps (%i)', (k) => {
    const W = 5 + rng.nextBelow(60);
    const H = 5 + rng.nextBelow(60);
    const levels = [4, 16, 255][k % 3]!;
    const radius = [0, 3, 7.5, 50][k % 4]!;
    const q = Float64Array.from({ length: W * H }, () => rng.nextBelow(levels + 1));
    const lowest = peakLevel(levels, 0.7);
    const cand = Int32Array.from([...q.keys()].filter((p) => q[p]! >= lowest));
    const masked = q.map((v) => (v >= lowest ? v : -1));
    const peaks = new Int32Array(W * H);
    const n = findPeaks(masked, W, H, cand, cand.length, peaks);
    orderPeaks(peaks, n, masked, levels, lowest);
    const kept = new Int32Array(W * H);
    const nk = greedyNms(peaks, n, W, H, radius, kept);
    expect([...kept.subarray(0, nk)]).toEqual(bruteForcePeaks(q, W, H, (lowest - 0.5), radius));
  });
  it('orders ties by row-major index, also without quantisation', () => {
    const q = Float64Array.from([0.9, 0.8, 0.9, 0.95]);
    const peaks = Int32Array.from([0, 1, 2, 3]);
    orderPeaks(peaks, 4, q, 0, 0);
    expect([...peaks]).toEqual([3, 0, 2, 1]);
  });
  it('keeps a whole plateau apart by the radius', () => {
    const W = 300;
    const H = 300;
    const q = new Float64Array(W * H).fill(255); // 90,000 equal peaks
    const all = Int32Array.from(q.keys());
    const peaks = new Int32Array(W * H);
    const n = findPeaks(q, W, H, all, all.length, peaks);
    expect(n).toBe(W * H);
    orderPeaks(peaks, n, q, 255, 179);
    const kept = new Int32Array(W * H);
    const nk = greedyNms(peaks, n, W, H, 50, kept);
    expect([...kept.subarray(0, 6)]).toEqual([0, 50, 100, 150, 200, 250]); // the first row, 50 px apart
    expect([...kept.subarray(0, nk)]).toEqual(bruteForcePeaks(q, W, H, 178.5, 50));
  });
  it('calls uncertain only top-level ties that straddle the mask', () => {
    const q = Float64Array.from([255, 255, 254, 255]);
    const inside = (p: number) => p === 0;
    expect(isUncertain(Int32Array.from([0, 1, 3]), 3, q, inside)).toBe(true);
    expect(isUncertain(Int32Array.from([0, 2]), 2, q, inside)).toBe(false); // second is a lower level
    expect(isUncertain(Int32Array.from([1, 3]), 2, q, inside)).toBe(false); // both outside
    expect(isUncertain(Int32Array.from([0]), 1, q, inside)).toBe(false);
  });
});
