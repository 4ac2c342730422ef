import { describe, expect, it } from 'vitest';
import { colorAt, colormapLut, jet, lutIndex } from '../../src/report/colormap.js';

// Rec. 709 luma: viridis was designed so that it rises monotonically
const luma = ([r, g, b]: number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;

describe('colormaps', () => {
  it('viridis passes through its published stops and its lightness rises', () => {
    const lut = colormapLut('viridis');
    expect(lut).toHaveLength(768);
    expect(colorAt(lut, 0)).toEqual([0x44, 0x01, 0x54]);
    expect(colorAt(lut, 1)).toEqual([0xfd, 0xe7, 0x25]);
    // stop 3 of 9 (#31688e) falls on entry 85 = 255/3
    expect(colorAt(lut, 85 / 255)).toEqual([0x31, 0x68, 0x8e]);
    // rising, up to the rounding of each entry to bytes (at most half a level per channel)
    for (let k = 1; k < 256; k++) expect(luma(colorAt(lut, k / 255))).toBeGreaterThan(luma(colorAt(lut, (k - 1) / 255)) - 0.5);
    for (let k = 8; k < 256; k++) expect(luma(colorAt(lut, k / 255))).toBeGreaterThan(luma(colorAt(lut, (k - 8) / 255)));
  });

  it("jet is MATLAB's piecewise-linear rainbow", () => {
    expect(jet(0)).toEqual([0, 0, 127.5]);
    expect(jet(0.375)).toEqual([0, 255, 255]);
    expect(jet(0.5)).toEqual([127.5, 255, 127.5]);
    expect(jet(0.625)).toEqual([255, 255, 0]);
    expect(jet(1)).toEqual([127.5, 0, 0]);
    expect(colorAt(colormapLut('jet'), 0)).toEqual([0, 0, 128]);
  });

  it('gray goes from black to white', () => {
    const lut = colormapLut('gray');
    expect(colorAt(lut, 0)).toEqual([0, 0, 0]);
    expect(colorAt(lut, 0.5)).toEqual([128, 128, 128]);
    expect(colorAt(lut, 1)).toEqual([255, 255, 255]);
  });

  it('clamps values outside [0, 1] and NaN', () => {
    expect([-1, 0, 0.5, 1, 2, Number.NaN].map(lutIndex)).toEqual([0, 0, 128, 255, 255, 0]);
  });
});
