import { describe, expect, it } from 'vitest';
import { firstArgmax, pointingGameHit } from '../../src/metrics/pointing-game.js';

describe('pointing game', () => {
  it('takes the first arg-max in row-major order', () => {
    expect(firstArgmax([0, 3, 1, 3])).toBe(1);
    expect(firstArgmax([-5, -2, -2])).toBe(1);
  });
  it('hits inside the mask, or within the tolerance', () => {
    const boxes = [[10, 10, 20, 20]] as [number, number, number, number][];
    expect(pointingGameHit(boxes, 15, 15, 0)).toBe(true);
    expect(pointingGameHit(boxes, 15, 20, 0)).toBe(false); // centre 20.5 is outside
    expect(pointingGameHit(boxes, 15, 22, 3)).toBe(true); // 2.5 px away
    expect(pointingGameHit(boxes, 15, 22, 2.5)).toBe(false); // D < PX is strict
  });
});
