import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src/report/colormap.js';
import { blendHeatmap, blit, boxPixels, createImage, drawCross, drawRing, pixelAt, strokeBox } from '../../src/report/raster.js';

const G: [number, number, number] = [0, 255, 0];
const count = (img: ReturnType<typeof createImage>, c: readonly number[]) => {
  let n = 0;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (pixelAt(img, x, y).every((v, i) => v === c[i])) n++;
  return n;
};

describe('raster', () => {
  it('blends: out = round((1 − α)·image + α·colormap(A))', () => {
    const img = createImage(2, 1, [100, 0, 255]);
    const lut = colormapLut('gray');
    const out = blendHeatmap(img, [0, 1], lut, 0.25);
    expect(pixelAt(out, 0, 0)).toEqual([75, 0, 191]);
    expect(pixelAt(out, 1, 0)).toEqual([139, 64, 255]);
    expect(() => blendHeatmap(img, [0], lut, 0.5)).toThrow(/expected 2 × 1/);
  });

  it('covers the pixels whose centres lie in the box (metrics.md §3)', () => {
    expect(boxPixels([2, 3, 6, 5], 10, 10)).toEqual({ c0: 2, c1: 5, r0: 3, r1: 4 });
    expect(boxPixels([2.5, 3.5, 6.5, 5.5], 10, 10)).toEqual({ c0: 2, c1: 6, r0: 3, r1: 5 });
    expect(boxPixels([-5, -5, 3, 20], 10, 10)).toEqual({ c0: 0, c1: 2, r0: 0, r1: 9 });
    expect(boxPixels([2.6, 3, 3.4, 5], 10, 10)).toBeNull();
  });

  it('outlines a box along the inside of its pixels', () => {
    const img = createImage(12, 12);
    strokeBox(img, [2, 2, 10, 9], 2, G);
    // columns 2..9, rows 2..8: a 2-pixel frame of an 8 × 7 rectangle = 8·7 − 4·3 pixels
    expect(count(img, G)).toBe(56 - 12);
    expect(pixelAt(img, 2, 5)).toEqual(G);
    expect(pixelAt(img, 3, 5)).toEqual(G);
    expect(pixelAt(img, 4, 5)).toEqual([0, 0, 0]);
    expect(pixelAt(img, 1, 5)).toEqual([0, 0, 0]);
    expect(pixelAt(img, 9, 8)).toEqual(G);
    expect(pixelAt(img, 10, 8)).toEqual([0, 0, 0]);
  });

  it('draws a cross and a ring centred on a pixel, clipped at the border', () => {
    const img = createImage(21, 21);
    drawCross(img, 10, 10, 4, 0, [255, 255, 255], [1, 1, 1]);
    expect(count(img, [255, 255, 255])).toBe(17);
    expect(pixelAt(img, 14, 10)).toEqual([255, 255, 255]);
    expect(pixelAt(img, 15, 10)).toEqual([1, 1, 1]);
    const ring = createImage(21, 21);
    drawRing(ring, 10, 10, 6, 2, [255, 0, 255], [1, 1, 1]);
    expect(pixelAt(ring, 16, 10)).toEqual([255, 0, 255]);
    expect(pixelAt(ring, 10, 4)).toEqual([255, 0, 255]);
    expect(pixelAt(ring, 10, 10)).toEqual([0, 0, 0]);
    expect(pixelAt(ring, 18, 10)).toEqual([1, 1, 1]);
    const corner = createImage(5, 5);
    drawRing(corner, 0, 0, 3, 1, [255, 0, 255], [1, 1, 1]);
    expect(pixelAt(corner, 3, 0)).toEqual([255, 0, 255]);
  });

  it('copies one image into another, clipped', () => {
    const dst = createImage(4, 4);
    blit(dst, createImage(3, 3, [9, 9, 9]), 2, 2);
    expect(count(dst, [9, 9, 9])).toBe(4);
  });
});
