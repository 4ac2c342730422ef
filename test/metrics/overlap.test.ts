// IoU and Dice from their sums (metrics.md §4), against direct computations on small maps.
import { describe, expect, it } from 'vitest';
import { diceFromSums, iouFromSums } from '../../src/metrics/overlap.js';

function direct(a: number[], m: number[], s: number) {
  const i = a.reduce((t, v, k) => t + v * m[k]!, 0);
  const total = a.reduce((t, v) => t + v, 0) + m.reduce((t, v) => t + v, 0);
  return { iou: (i + s) / (total - i + s), dice: (2 * (i + s)) / (total + s), i, sa: total - m.reduce((t, v) => t + v, 0), sm: m.reduce((t, v) => t + v, 0) };
}

describe('IoU and Dice', () => {
  it.each([
    [[1, 0.5, 0, 0], [1, 1, 0, 0]],
    [[0, 0, 0, 0], [0, 1, 1, 0]],
    [[1, 1, 1, 1], [1, 1, 1, 1]],
    [[0.2, 0.9, 0.4, 0.1], [0, 1, 0, 1]],
  ])('soft on %j with mask %j', (a, m) => {
    const d = direct(a, m, 0.001);
    expect(iouFromSums(d.i, d.sa, d.sm, 0.001)).toBeCloseTo(d.iou, 15);
    expect(diceFromSums(d.i, d.sa, d.sm, 0.001)).toBeCloseTo(d.dice, 15);
  });
  it('is s/(ΣM + s) for an all-zero map; a perfect match gives IoU 1 and Dice 2(I + s)/(2I + s)', () => {
    expect(iouFromSums(0, 0, 10, 0.001)).toBeCloseTo(0.001 / 10.001, 15);
    expect(iouFromSums(10, 10, 10, 0.001)).toBe(1);
    expect(diceFromSums(10, 10, 10, 0.001)).toBe((2 * 10.001) / 20.001); // the spec's smoothing: slightly above 1
  });
});
