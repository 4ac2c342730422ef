import { describe, expect, it } from 'vitest';
import { isDegenerate, minMaxNormalise, normalisedValue } from '../../src/metrics/normalise.js';

describe('min-max normalisation', () => {
  it('maps min to 0 and max to exactly 1, in (U − min) / (max − min) order', () => {
    const { a, degenerate } = minMaxNormalise([-3, 1, 5, -3]);
    expect(degenerate).toBe(false);
    expect([...a]).toEqual([0, 0.5, 1, 0]);
    expect(normalisedValue(0.3, 0.1, 0.7)).toBe((0.3 - 0.1) / 0.7);
  });
  it('flags maps whose range is at most 1e-12 and makes them 0', () => {
    expect(isDegenerate(0, 1e-12, 1e-12)).toBe(true);
    expect(isDegenerate(5, 5, 1e-12)).toBe(true);
    expect(isDegenerate(0, 2e-12, 1e-12)).toBe(false);
    const { a, degenerate } = minMaxNormalise([4, 4, 4]);
    expect(degenerate).toBe(true);
    expect([...a]).toEqual([0, 0, 0]);
  });
});
