import { describe, expect, it } from 'vitest';
import { CELL_WIDTH, drawText, glyphRows, toFontText } from '../../src/report/bitmap-font.js';
import { createImage, pixelAt } from '../../src/report/raster.js';

describe('bitmap font', () => {
  it('has a glyph with ink for every printable ASCII character (and none for space)', () => {
    const seen = new Set<string>();
    for (let c = 33; c < 127; c++) {
      const rows = glyphRows(String.fromCharCode(c));
      expect(rows.some((r) => r !== 0), String.fromCharCode(c)).toBe(true);
      seen.add(rows.join(','));
    }
    expect(seen.size).toBe(94); // no two glyphs alike
    expect(glyphRows(' ').every((r) => r === 0)).toBe(true);
  });

  it('drops accents and draws unknown characters as ?', () => {
    expect(toFontText('café – naïve 日本')).toBe('cafe - naive ??');
  });

  it('draws glyphs at their cell, scaled', () => {
    const img = createImage(30, 20);
    drawText(img, 0, 0, 'I|', [255, 255, 255], 2);
    // 'I' row 0 is .###. → pixels 2..7 of row 2..3 at scale 2 (one blank font row on top)
    expect(pixelAt(img, 2, 2)).toEqual([255, 255, 255]);
    expect(pixelAt(img, 1, 2)).toEqual([0, 0, 0]);
    expect(pixelAt(img, 0, 0)).toEqual([0, 0, 0]);
    // '|' is the middle column of the second cell
    expect(pixelAt(img, 2 * CELL_WIDTH + 4, 8)).toEqual([255, 255, 255]);
  });
});
