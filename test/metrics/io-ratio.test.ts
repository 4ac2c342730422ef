import { describe, expect, it } from 'vitest';
import { ioRatio } from '../../src/metrics/io-ratio.js';

describe('io_ratio', () => {
  it('is σ(log(in/out)) = in / (in + out)', () => {
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    expect(ioRatio(3, 1)).toBeCloseTo(sigmoid(Math.log(3)), 15);
    expect(ioRatio(1, 3)).toBe(0.25);
  });
  it('is 0 when there is no activation, 1 when all of it is inside', () => {
    expect(ioRatio(0, 0)).toBe(0);
    expect(ioRatio(2, 0)).toBe(1);
    expect(ioRatio(0, 2)).toBe(0);
  });
});
