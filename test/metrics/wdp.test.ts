import { describe, expect, it } from 'vitest';
import { wdpFromSums } from '../../src/metrics/wdp.js';

describe('WDP from sums', () => {
  it('is the activation-weighted mean of D / max D', () => {
    const a = [1, 0.5, 0.25];
    const d = [0, 2, 4];
    const direct = a.reduce((t, v, k) => t + v * (d[k]! / 4), 0) / a.reduce((t, v) => t + v, 0);
    const weighted = a.reduce((t, v, k) => t + v * d[k]!, 0);
    expect(wdpFromSums(weighted, 1.75, 4)).toBeCloseTo(direct, 15);
  });
  it('is 0 without activation or when the boxes cover the image', () => {
    expect(wdpFromSums(0, 0, 10)).toBe(0);
    expect(wdpFromSums(0, 5, 0)).toBe(0);
  });
});
