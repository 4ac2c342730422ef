// The in-terminal preview of an overlay: the heatmap over the image, downsampled to a few dozen character
// cells. With colour, each cell is '▀' whose foreground is the upper pixel and background the lower one
// (two square-ish pixels per cell), in true colour or the nearest of the 256-colour palette; the box is
// outlined in green, p* is white, NMS peaks magenta. Without colour, shade characters by activation and
// the box drawn with box-drawing characters. Pure: lines of text with ANSI escapes.
import type { Box } from '../data/manifest.js';
import { colormapLut, lutIndex, type ColormapName } from '../report/colormap.js';
import { boxPixels, type RgbImage } from '../report/raster.js';
import type { ColorLevel } from './color-level.js';

export interface PreviewSource {
  width: number;
  height: number;
  /** The image at W × H (a grey stand-in when missing). */
  image: RgbImage;
  /** A, H × W, in [0, 1]. */
  map: ArrayLike<number>;
  boxes: readonly Box[];
  argmax: { x: number; y: number } | null;
  peaks: readonly { x: number; y: number }[];
}

export interface PreviewOptions {
  colormap: ColormapName;
  alpha: number;
  level: ColorLevel;
}

/** The cells (columns × rows) that show a W × H image in at most maxCols × maxRows, keeping its shape (a cell is 1 × 2 pixels). */
export function previewSize(width: number, height: number, maxCols: number, maxRows: number): { cols: number; rows: number } {
  const scale = Math.min(maxCols / width, (2 * maxRows) / height);
  return { cols: Math.max(1, Math.min(maxCols, Math.round(width * scale))), rows: Math.max(1, Math.min(maxRows, Math.round((height * scale) / 2))) };
}

/** Preview pixel k of n along an axis of `size` image pixels covers image pixels [start[k], start[k + 1]). */
function spans(size: number, n: number): Int32Array {
  const s = new Int32Array(n + 1);
  for (let k = 0; k <= n; k++) s[k] = Math.min(size, Math.floor((k * size) / n));
  for (let k = 0; k < n; k++) if (s[k + 1]! <= s[k]!) s[k + 1] = Math.min(size, s[k]! + 1);
  return s;
}

const enum Mark {
  None = 0,
  Peak = 1,
  Box = 2,
  Argmax = 3,
}

interface Sampled {
  w: number;
  h: number;
  /** Mean A per preview pixel. */
  a: Float64Array;
  /** Mean image colour per preview pixel (RGB). */
  rgb: Float64Array;
  marks: Uint8Array;
}

/** Averages image and map over each preview pixel (w × h) and places the marks. */
function sample(src: PreviewSource, w: number, h: number): Sampled {
  const { width: W, height: H, image, map } = src;
  const xs = spans(W, w);
  const ys = spans(H, h);
  const a = new Float64Array(w * h);
  const rgb = new Float64Array(w * h * 3);
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      let sa = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = ys[py]!; y < ys[py + 1]!; y++) {
        for (let x = xs[px]!; x < xs[px + 1]!; x++) {
          const p = y * W + x;
          sa += map[p]!;
          r += image.data[3 * p]!;
          g += image.data[3 * p + 1]!;
          b += image.data[3 * p + 2]!;
          n++;
        }
      }
      const q = py * w + px;
      a[q] = n ? sa / n : 0;
      rgb[3 * q] = n ? r / n : 0;
      rgb[3 * q + 1] = n ? g / n : 0;
      rgb[3 * q + 2] = n ? b / n : 0;
    }
  }
  const marks = new Uint8Array(w * h);
  const cellX = (x: number) => Math.min(w - 1, Math.floor((x * w) / W));
  const cellY = (y: number) => Math.min(h - 1, Math.floor((y * h) / H));
  for (const p of src.peaks) marks[cellY(p.y) * w + cellX(p.x)] = Mark.Peak;
  for (const box of src.boxes) {
    const px = boxPixels(box, W, H);
    if (!px) continue;
    const x0 = cellX(px.c0), x1 = cellX(px.c1), y0 = cellY(px.r0), y1 = cellY(px.r1);
    for (let x = x0; x <= x1; x++) marks[y0 * w + x] = marks[y1 * w + x] = Mark.Box;
    for (let y = y0; y <= y1; y++) marks[y * w + x0] = marks[y * w + x1] = Mark.Box;
  }
  if (src.argmax) marks[cellY(src.argmax.y) * w + cellX(src.argmax.x)] = Mark.Argmax;
  return { w, h, a, rgb, marks };
}

const MARK_RGB: Record<Exclude<Mark, Mark.None>, [number, number, number]> = {
  [Mark.Peak]: [255, 0, 255],
  [Mark.Box]: [0, 255, 0],
  [Mark.Argmax]: [255, 255, 255],
};

/** The nearest colour of the xterm 256-colour palette (6×6×6 cube or grey ramp). */
export function ansi256(r: number, g: number, b: number): number {
  const level = (v: number) => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
  const cube = [0, 95, 135, 175, 215, 255];
  const ci = 16 + 36 * level(r) + 6 * level(g) + level(b);
  const cd = (cube[level(r)]! - r) ** 2 + (cube[level(g)]! - g) ** 2 + (cube[level(b)]! - b) ** 2;
  const grey = Math.round(((r + g + b) / 3 - 8) / 10);
  const gi = Math.max(0, Math.min(23, grey));
  const gv = 8 + 10 * gi;
  const gd = (gv - r) ** 2 + (gv - g) ** 2 + (gv - b) ** 2;
  return gd < cd ? 232 + gi : ci;
}

function sgr(level: ColorLevel, fg: boolean, c: [number, number, number]): string {
  if (level === 3) return `\x1b[${fg ? 38 : 48};2;${c[0]};${c[1]};${c[2]}m`;
  return `\x1b[${fg ? 38 : 48};5;${ansi256(c[0], c[1], c[2])}m`;
}

/** Shade characters from no activation to full. */
export const SHADES = ' .:-=+*#%@';

/** The preview as `rows` lines of `cols` cells (ANSI escapes included when level > 0). */
export function renderPreview(src: PreviewSource, cols: number, rows: number, options: PreviewOptions): string[] {
  if (options.level >= 2) return colorLines(sample(src, cols, 2 * rows), options);
  return plainLines(src, sample(src, cols, rows), options.level);
}

function colorLines(s: Sampled, options: PreviewOptions): string[] {
  const lut = colormapLut(options.colormap);
  const keep = 1 - options.alpha;
  const colorOf = (q: number): [number, number, number] => {
    const m = s.marks[q] as Mark;
    if (m !== Mark.None) return MARK_RGB[m];
    const k = 3 * lutIndex(s.a[q]!);
    return [0, 1, 2].map((c) => Math.round(keep * s.rgb[3 * q + c]! + options.alpha * lut[k + c]!)) as [number, number, number];
  };
  const lines: string[] = [];
  for (let cy = 0; cy < s.h / 2; cy++) {
    let line = '';
    let last = '';
    for (let x = 0; x < s.w; x++) {
      const codes = sgr(options.level, true, colorOf(2 * cy * s.w + x)) + sgr(options.level, false, colorOf((2 * cy + 1) * s.w + x));
      if (codes !== last) line += codes;
      last = codes;
      line += '▀';
    }
    lines.push(line + '\x1b[0m');
  }
  return lines;
}

function plainLines(src: PreviewSource, s: Sampled, level: ColorLevel): string[] {
  // box corners and edges in cell coordinates
  const cell = new Array<string>(s.w * s.h).fill('');
  const cellX = (x: number) => Math.min(s.w - 1, Math.floor((x * s.w) / src.width));
  const cellY = (y: number) => Math.min(s.h - 1, Math.floor((y * s.h) / src.height));
  for (const box of src.boxes) {
    const px = boxPixels(box, src.width, src.height);
    if (!px) continue;
    const x0 = cellX(px.c0), x1 = cellX(px.c1), y0 = cellY(px.r0), y1 = cellY(px.r1);
    for (let x = x0; x <= x1; x++) cell[y0 * s.w + x] = cell[y1 * s.w + x] = '─';
    for (let y = y0; y <= y1; y++) cell[y * s.w + x0] = cell[y * s.w + x1] = y0 === y1 ? '─' : x0 === x1 ? '│' : '│';
    if (x0 !== x1 && y0 !== y1) {
      cell[y0 * s.w + x0] = '┌';
      cell[y0 * s.w + x1] = '┐';
      cell[y1 * s.w + x0] = '└';
      cell[y1 * s.w + x1] = '┘';
    }
  }
  const green = level >= 1 ? '\x1b[32m' : '';
  const bold = level >= 1 ? '\x1b[1m' : '';
  const reset = level >= 1 ? '\x1b[0m' : '';
  const lines: string[] = [];
  for (let y = 0; y < s.h; y++) {
    let line = '';
    for (let x = 0; x < s.w; x++) {
      const q = y * s.w + x;
      if (s.marks[q] === Mark.Argmax) line += `${bold}X${reset}`;
      else if (cell[q]) line += `${green}${cell[q]}${reset}`;
      else line += SHADES[Math.min(SHADES.length - 1, Math.floor(s.a[q]! * SHADES.length))]!;
    }
    lines.push(line);
  }
  return lines;
}
