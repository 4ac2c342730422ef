import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf, fromHalf, toHalf } from '../../src/runs/float16.js';

describe('float16', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds to Inf
    [1e6, 0x7c00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // ties to even → 0
    [3 * 2 ** -25, 0x0002], // 1.5 ulp → 2 (even)
    [1 + 2 ** -11, 0x3c00], // tie → even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
    [0.1, 0x2e66],
    [Infinity, 0x7c00],
  ])('%f ↔ 0x%s', (value, bits) => {
    expect(toHalf(value)).toBe(bits);
  });

  it('NaN stays NaN', () => {
    expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = fromHalf(h);
      if (Number.isFinite(v)) expect(toHalf(v)).toBe(v === 0 && h === 0x8000 ? 0x8000 : h);
    }
  });

  it('relative error within half an ulp (2^-11) on normal numbers', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 8) - 4));
    const back = decodeHalf(encodeHalf(values));
    values.forEach((v, i) => {
      if (Math.abs(v) > 2 ** -14) expect(Math.abs(back[i]! - v) / Math.abs(v)).toBeLessThanOrEqual(2 ** -11);
    });
  });
});
