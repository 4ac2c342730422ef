// Step 3: clipping, the mask by pixel centres (inclusive), and the distance D.
import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/data/manifest.js';
import {
  BOX_INVALID,
  centreInBox,
  centreInBoxes,
  centreRange,
  clipBox,
  coversPixelCentre,
  firstCentreAtOrAfter,
  lastCentreAtOrBefore,
  pixelDistance,
  prepareBoxes,
} from '../../src/metrics/boxes.js';

describe('prepareBoxes', () => {
  it('clips to the image', () => {
    expect(clipBox([-5, -1, 50, 8], 40, 30)).toEqual([0, 0, 40, 8]);
    expect(prepareBoxes([[-5, -1, 50, 8]], 40, 30, false)).toEqual([[0, 0, 40, 8]]);
  });
  it('drops boxes of zero area after clipping, and says why when none is left', () => {
    expect(prepareBoxes([], 40, 30, false)).toEqual({ invalid: BOX_INVALID.none });
    expect(prepareBoxes([[50, 0, 60, 10]], 40, 30, false)).toEqual({ invalid: BOX_INVALID.outside });
    expect(prepareBoxes([[10, 10, 10, 20]], 40, 30, false)).toEqual({ invalid: BOX_INVALID.outside });
    expect(prepareBoxes([[10, 10, 10, 20], [1, 2, 3, 4]], 40, 30, false)).toEqual([[1, 2, 3, 4]]);
  });
  it('merges the kept boxes into their enclosing box', () => {
    const boxes: Box[] = [[1, 2, 3, 4], [10, 0, 12, 3], [50, 50, 60, 60]];
    expect(prepareBoxes(boxes, 40, 30, true)).toEqual([[1, 0, 12, 4]]);
  });
});

describe('the mask by pixel centres', () => {
  it('includes centres on the box edges', () => {
    const b: Box = [10.5, 5.5, 12.5, 5.5 + 0]; // zero height, but its edge row is a centre row
    expect(centreInBox(b, 5, 10)).toBe(true);
    expect(centreInBox(b, 5, 12)).toBe(true);
    expect(centreInBox(b, 5, 13)).toBe(false);
    expect(centreInBox([0, 0, 0.5, 0.5], 0, 0)).toBe(true);
    expect(centreInBox([0, 0, 0.49, 0.5], 0, 0)).toBe(false);
  });
  it('finds the covered ranges exactly (brute force)', () => {
    const values = [-3, -0.5, 0, 0.1, 0.5, 0.50000001, 1, 1.49999999, 1.5, 7.25, 9.5, 10, 12];
    for (const lo of values) {
      for (const hi of values) {
        const brute = [...Array(10).keys()].filter((c) => lo <= c + 0.5 && c + 0.5 <= hi);
        const first = firstCentreAtOrAfter(lo);
        const last = lastCentreAtOrBefore(hi, 10);
        if (brute.length === 0) expect(first > last || first >= 10 || last < 0).toBe(true);
        else expect([first, last]).toEqual([brute[0], brute[brute.length - 1]]);
      }
    }
    expect(centreRange([2.5, 0.2, 4.4, 0.9], 10, 10)).toEqual({ colLo: 2, colHi: 3, rowLo: 0, rowHi: 0 });
  });
  it('knows when boxes cover no pixel centre', () => {
    expect(coversPixelCentre([[0.1, 0.1, 0.4, 0.4]], 10, 10)).toBe(false);
    expect(coversPixelCentre([[0.1, 0.1, 0.4, 0.4], [3, 3, 3.5, 3.5]], 10, 10)).toBe(true);
    expect(coversPixelCentre([[9.6, 0, 10, 10]], 10, 10)).toBe(false);
    expect(centreInBoxes([[0, 0, 1, 1], [5, 5, 6, 6]], 5, 5)).toBe(true);
  });
});

describe('pixelDistance (D)', () => {
  const b: Box = [10, 10, 20, 20];
  it('is 0 inside and the Euclidean distance to the nearest point outside', () => {
    expect(pixelDistance([b], 15, 15)).toBe(0);
    expect(pixelDistance([b], 15, 5)).toBe(4.5); // centre (5.5, 15.5): 4.5 left of the box
    expect(pixelDistance([b], 23, 23)).toBeCloseTo(Math.hypot(3.5, 3.5), 15);
  });
  it('takes the nearest of several boxes', () => {
    expect(pixelDistance([b, [0, 0, 2, 2]], 3, 3)).toBeCloseTo(Math.hypot(1.5, 1.5), 15);
  });
});
