import { describe, expect, it } from 'vitest';
import { boxOutsideImage, cocoBox, enclosingBox, flickrBox, isWellFormedBox, spatialSenseBox } from '../../src/data/box-conventions.js';

describe('box conventions (datasets.md)', () => {
  it('COCO [x, y, w, h] → [x, y, x+w, y+h], floats kept', () => {
    expect(cocoBox([103.9, 300.0, 134.3, 177.4])).toEqual([103.9, 300, 103.9 + 134.3, 300 + 177.4]);
  });

  it('Flickr30k 1-based inclusive pixel indices → continuous [xmin-1, ymin-1, xmax, ymax]', () => {
    // A one-pixel box at the top-left pixel covers [0, 1) × [0, 1).
    expect(flickrBox(1, 1, 1, 1)).toEqual([0, 0, 1, 1]);
    // A box over a whole 500 × 333 image.
    expect(flickrBox(1, 1, 500, 333)).toEqual([0, 0, 500, 333]);
  });

  it('SpatialSense [y0, y1, x0, x1] → [x0, y0, x1, y1]', () => {
    expect(spatialSenseBox([230, 434, 31, 264])).toEqual([31, 230, 264, 434]);
  });

  it('enclosing box of several boxes', () => {
    expect(
      enclosingBox([
        [0, 5, 10, 20],
        [20, 4, 30, 40],
        [2, 3, 4, 5],
      ]),
    ).toEqual([0, 3, 30, 40]);
  });

  it('well-formed and outside-the-image tests', () => {
    expect(isWellFormedBox([0, 0, 0, 0])).toBe(true);
    expect(isWellFormedBox([1, 0, 0, 1])).toBe(false);
    expect(isWellFormedBox([0, 0, NaN, 1])).toBe(false);
    expect(boxOutsideImage([0, 0, 64, 48], 64, 48)).toBe(false);
    expect(boxOutsideImage([0, 0, 64.01, 48], 64, 48)).toBe(true);
    expect(boxOutsideImage([-0.5, 0, 10, 10], 64, 48)).toBe(true);
    expect(boxOutsideImage([-0.5, 0, 10, 10], 64, 48, 0.5)).toBe(false);
  });
});
