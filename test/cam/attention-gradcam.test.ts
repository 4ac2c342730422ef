import { describe, expect, it } from 'vitest';
import { reduceTokens, tokenRange } from '../../src/cam/attention-gradcam.js';

// Independent reference: the LAVIS/ALBEF formulas written out per element.
function reference(cam: number[][], length: number, rule: 'all' | 'words'): number[] {
  const positions = rule === 'all' ? [...Array(length).keys()] : [...Array(length - 2).keys()].map((k) => k + 1);
  return cam[0]!.map((_, p) => positions.reduce((s, t) => s + cam[t]![p]!, 0) / positions.length);
}

describe('attention-GradCAM token reduction', () => {
  const B = 3;
  const T = 5;
  const P = 6; // 2 x 3 grid
  const data = new Float32Array(B * T * P);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 1.7) * (i % 5);
  const perPhrase = (b: number) => [...Array(T).keys()].map((t) => [...Array(P).keys()].map((p) => data[(b * T + t) * P + p]!));
  const lengths = [5, 3, 4];

  it.each(['all', 'words'] as const)('%s matches the per-element reference', (rule) => {
    const grids = reduceTokens(data, [B, T, 2, 3], lengths, rule);
    grids.forEach((g, b) => {
      expect([g.h, g.w]).toEqual([2, 3]);
      const ref = reference(perPhrase(b), lengths[b]!, rule);
      ref.forEach((v, p) => expect(g.data[p]).toBeCloseTo(v, 6));
    });
  });

  it('ignores padding positions', () => {
    const padded = data.slice();
    for (let t = 3; t < T; t++) for (let p = 0; p < P; p++) padded[(1 * T + t) * P + p] = 1000;
    const a = reduceTokens(data, [B, T, 2, 3], lengths, 'all')[1]!.data;
    const b = reduceTokens(padded, [B, T, 2, 3], lengths, 'all')[1]!.data;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('gives NaN for a phrase with no word token (the caller reports it)', () => {
    expect(tokenRange('words', 2)).toEqual([1, 1]);
    const g = reduceTokens(data, [B, T, 2, 3], [2, 2, 2], 'words')[0]!;
    expect(Number.isNaN(g.data[0])).toBe(true);
  });
});
