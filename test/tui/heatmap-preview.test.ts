import { describe, expect, it } from 'vitest';
import { colormapLut } from '../../src/report/colormap.js';
import { createImage } from '../../src/report/raster.js';
import { ansi256, previewSize, renderPreview, SHADES, type PreviewSource } from '../../src/tui/heatmap-preview.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** A 40 × 20 image, A rising from left to right, a box over x 20..40, y 0..10. */
function source(): PreviewSource {
  const W = 40;
  const H = 20;
  const map = new Float64Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) map[y * W + x] = x / (W - 1);
  return { width: W, height: H, image: createImage(W, H, [0, 0, 0]), map, boxes: [[20, 0, 40, 10]], argmax: { x: 39, y: 19 }, peaks: [] };
}

describe('heatmap preview', () => {
  it('fits the image in the cells, two pixels per cell row', () => {
    expect(previewSize(40, 20, 20, 10)).toEqual({ cols: 20, rows: 5 });
    expect(previewSize(240, 320, 40, 9)).toEqual({ cols: 14, rows: 9 });
    expect(previewSize(640, 480, 27, 20)).toEqual({ cols: 27, rows: 10 });
  });

  it('draws true-colour half blocks: the heatmap blended on the image, the box green, p* white', () => {
    const lines = renderPreview(source(), 8, 2, { colormap: 'gray', alpha: 1, level: 3 });
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(strip(l)).toBe('▀'.repeat(8));
    // first cell: top pixel = mean A over x 0..4 = 2/39 → grey 13; bottom pixel the same
    const lut = colormapLut('gray');
    const g = lut[3 * Math.round((2 / 39) * 255)]!;
    expect(lines[0]!.startsWith(`\x1b[38;2;${g};${g};${g}m\x1b[48;2;${g};${g};${g}m▀`)).toBe(true);
    // the box covers cells 4..7 of pixel rows 0..1: its outline is green in the top line
    expect(lines[0]).toContain('\x1b[38;2;0;255;0m\x1b[48;2;0;255;0m▀');
    // p* (39, 19) falls in the last cell of the last pixel row: a white background (lower half)
    expect(lines[1]!.endsWith('\x1b[48;2;255;255;255m▀\x1b[0m')).toBe(true);
  });

  it('degrades to the 256-colour palette', () => {
    const lines = renderPreview(source(), 8, 2, { colormap: 'viridis', alpha: 0.5, level: 2 });
    expect(lines.join('')).toMatch(/\x1b\[38;5;\d+m\x1b\[48;5;\d+m▀/);
    expect(lines.join('')).not.toContain('38;2;');
    expect(lines[0]).toContain(`\x1b[38;5;${ansi256(0, 255, 0)}m`);
    expect([ansi256(0, 0, 0), ansi256(255, 255, 255), ansi256(255, 0, 0), ansi256(128, 128, 128), ansi256(0, 255, 0)]).toEqual([16, 231, 196, 244, 46]);
  });

  it('draws shades and a box-drawing outline without colour', () => {
    const lines = renderPreview(source(), 8, 4, { colormap: 'viridis', alpha: 0.5, level: 0 });
    // cell k covers columns 5k..5k+4, mean A = (5k + 2)/39 → shade index floor(10·A); the box covers cells 4..7 of rows 0..1
    expect(lines).toEqual([' .-=┌──┐', ' .-=└──┘', ' .-=+*%@', ' .-=+*%X']);
    expect(lines.join('')).not.toContain('\x1b');
    // 16 colours: the same characters, the box in green
    const c16 = renderPreview(source(), 8, 4, { colormap: 'viridis', alpha: 0.5, level: 1 });
    expect(c16.map(strip)).toEqual(lines);
    expect(c16[0]).toContain('\x1b[32m┌');
    expect(SHADES).toHaveLength(10);
  });
});
