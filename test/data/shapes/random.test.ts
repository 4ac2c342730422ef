import { describe, expect, it } from 'vitest';
import { deriveSeed, fmix32, hashString, Random } from '../../../src/data/shapes/random.js';
import { imageSeed } from '../../../src/data/shapes/scene.js';

const M32 = 0xffffffffn;

/** mulberry32 written again with BigInt arithmetic and explicit 32-bit masks: the reference. */
function referenceMulberry32(seed: number): () => number {
  let s = BigInt(seed >>> 0);
  return () => {
    s = (s + 0x6d2b79f5n) & M32;
    let t = s;
    t = ((t ^ (t >> 15n)) * (t | 1n)) & M32;
    t = (t ^ ((t + (((t ^ (t >> 7n)) * (t | 61n)) & M32)) & M32)) & M32;
    return Number((t ^ (t >> 14n)) & M32);
  };
}

/** murmur3's fmix32 with BigInt arithmetic. */
function referenceFmix32(x: number): number {
  let h = BigInt(x >>> 0);
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & M32;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & M32;
  h ^= h >> 16n;
  return Number(h);
}

describe('Random (mulberry32)', () => {
  it('matches a BigInt reference implementation bit for bit', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, 0x80000000, 0xffffffff, 123456789]) {
      const ours = new Random(seed);
      const ref = referenceMulberry32(seed);
      for (let k = 0; k < 2000; k++) expect(ours.nextU32()).toBe(ref());
    }
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const sa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(sa);
  });

  it('draws integers uniformly over the whole inclusive range', () => {
    const rng = new Random(3);
    const counts = new Array<number>(6).fill(0);
    const n = 60_000;
    let outside = 0;
    for (let k = 0; k < n; k++) {
      const v = rng.int(2, 7);
      if (v < 2 || v > 7 || !Number.isInteger(v)) outside += 1;
      else counts[v - 2]! += 1;
    }
    expect(outside).toBe(0);
    // Chi-square with 5 degrees of freedom: 20.5 is the 0.999 quantile.
    const chi2 = counts.reduce((s, c) => s + (c - n / 6) ** 2 / (n / 6), 0);
    expect(chi2).toBeLessThan(20.5);
  });

  it('draws weighted indices in proportion to their weights, never a zero weight', () => {
    const rng = new Random(11);
    const w = [1, 0, 3, 6];
    const counts = [0, 0, 0, 0];
    const n = 50_000;
    for (let k = 0; k < n; k++) counts[rng.weighted(w)]! += 1;
    expect(counts[1]).toBe(0);
    for (const k of [0, 2, 3]) expect(Math.abs(counts[k]! / n - w[k]! / 10)).toBeLessThan(0.01);
    expect(() => rng.weighted([0, 0])).toThrow();
  });

  it('shuffles into a permutation', () => {
    const rng = new Random(5);
    const items = Array.from({ length: 20 }, (_, k) => k);
    const s = rng.shuffle(items);
    expect(s).not.toEqual(items);
    expect([...s].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('seed derivation', () => {
  it('fmix32 matches a BigInt reference', () => {
    for (const x of [0, 1, 2, 0xdeadbeef, 0xffffffff, 0x80000000, 987654321]) expect(fmix32(x)).toBe(referenceFmix32(x));
  });

  it('gives every (seed, split, index) its own stream', () => {
    const seen = new Set<number>();
    for (const split of ['train', 'val', 'test'] as const) {
      for (let index = 0; index < 30_000; index++) seen.add(imageSeed(0, split, index));
    }
    // 90,000 draws of 32 bits: a collision or two is possible, more means a broken mix.
    expect(seen.size).toBeGreaterThan(90_000 - 3);
    expect(imageSeed(0, 'test', 5)).not.toBe(imageSeed(1, 'test', 5));
    expect(hashString('train')).not.toBe(hashString('test'));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });
});
