// The statistics of metrics.md §5.
import { describe, expect, it } from 'vitest';
import {
  binomialHalfCdf,
  bootstrapMeans,
  bootstrapPValue,
  mcnemarExact,
  normalQuantile,
  percentileInterval,
  quantileSorted,
  wilsonInterval,
  Xoshiro128,
} from '../../src/metrics/stats.js';

/** P(X <= k), X ~ Bin(n, 1/2), exactly with BigInt, as a double. */
function exactCdf(k: number, n: number): number {
  let c = 1n;
  let sum = 0n;
  for (let i = 0; i <= k; i++) {
    sum += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  // sum / 2^n with enough precision
  const shift = BigInt(Math.max(0, n - 60));
  return Number(sum >> shift) / 2 ** (n - Number(shift));
}

describe('Xoshiro128', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
  });
  it('draws uniform integers below n', () => {
    const r = new Xoshiro128(1);
    const counts = new Array(7).fill(0);
    for (let k = 0; k < 70000; k++) counts[r.nextBelow(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
  });
});

describe('normal quantile and Wilson', () => {
  it('has the known quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
  });
  it('gives Wilson bounds that solve (p̂ − p)² = z² p(1 − p) / n', () => {
    const z = normalQuantile(0.975);
    for (const [k, n] of [[8, 10], [0, 20], [20, 20], [4513, 5726], [1, 3]] as const) {
      const ci = wilsonInterval(k, n)!;
      for (const p of ci) expect((k / n - p) ** 2 - (z * z * p * (1 - p)) / n).toBeCloseTo(0, 12);
      expect(ci[0]).toBeLessThanOrEqual(k / n);
      expect(ci[1]).toBeGreaterThanOrEqual(k / n);
    }
    expect(wilsonInterval(8, 10)![0]).toBeCloseTo(0.4901624, 6);
    expect(wilsonInterval(8, 10)![1]).toBeCloseTo(0.9433178, 6);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('percentiles and the bootstrap', () => {
  it('interpolates like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    const thousand = Float64Array.from({ length: 1000 }, (_, k) => k + 1);
    expect(quantileSorted(thousand, 0.975)).toBeCloseTo(975.025, 9);
    const ci = percentileInterval(thousand, 0.95);
    expect(ci[0]).toBeCloseTo(25.975, 9);
    expect(ci[1]).toBeCloseTo(975.025, 9);
  });
  it('resamples deterministically, the same rows for every column', () => {
    const n = 50;
    const values = new Float64Array(n * 2);
    for (let k = 0; k < n; k++) {
      values[2 * k] = k;
      values[2 * k + 1] = 3; // constant column
    }
    const a = bootstrapMeans(values, n, 2, 200, 9);
    const b = bootstrapMeans(values, n, 2, 200, 9);
    expect([...a[0]!]).toEqual([...b[0]!]);
    expect([...a[1]!].every((m) => m === 3)).toBe(true);
    expect(a[0]![0]! >= 0 && a[0]![199]! <= 49).toBe(true);
    expect([...bootstrapMeans(values, n, 2, 200, 10)[0]!]).not.toEqual([...a[0]!]);
  });
  it('gives p = 1 for no difference and about 2/(B+1) for a clear one', () => {
    expect(bootstrapPValue(new Float64Array(999))).toBe(1);
    expect(bootstrapPValue(new Float64Array(999).fill(0.1))).toBe(2 / 1000);
  });
});

describe('McNemar exact test', () => {
  it('has the hand-computed values', () => {
    expect(mcnemarExact(1, 4)).toBeCloseTo(12 / 32, 15); // 2·(1 + 5)/32
    expect(mcnemarExact(0, 10)).toBeCloseTo(2 / 1024, 15);
    expect(mcnemarExact(2, 8)).toBeCloseTo(112 / 1024, 15);
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(7, 3)).toBe(mcnemarExact(3, 7));
  });
  it('matches exact binomial sums for large counts (to 1e-8 relative)', () => {
    for (const [k, n] of [[40, 100], [120, 300], [900, 2000], [2, 1500]] as const) {
      const exact = exactCdf(k, n);
      expect(Math.abs(binomialHalfCdf(k, n) - exact)).toBeLessThanOrEqual(1e-8 * exact);
    }
  });
});
