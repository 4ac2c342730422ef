// Pixel work for overlays, on plain 8-bit RGB buffers (row-major, 3 bytes per pixel): the heatmap
// blended over the image, box outlines, markers, rectangles and copies. Pure: no sharp, no I/O.
import type { Box } from '../data/manifest.js';
import { lutIndex, type ColormapLut } from './colormap.js';

export type Rgb = readonly [number, number, number];

export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createImage(width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    data[3 * p] = fill[0];
    data[3 * p + 1] = fill[1];
    data[3 * p + 2] = fill[2];
  }
  return { width, height, data };
}

export function pixelAt(img: RgbImage, x: number, y: number): [number, number, number] {
  const k = 3 * (y * img.width + x);
  return [img.data[k]!, img.data[k + 1]!, img.data[k + 2]!];
}

export function setPixel(img: RgbImage, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const k = 3 * (y * img.width + x);
  img.data[k] = color[0];
  img.data[k + 1] = color[1];
  img.data[k + 2] = color[2];
}

/** Fills the `w × h` rectangle at (x, y), clipped to the image. */
export function fillRect(img: RgbImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(img.width, x + w);
  for (let yy = Math.max(0, y); yy < Math.min(img.height, y + h); yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const k = 3 * (yy * img.width + xx);
      img.data[k] = color[0];
      img.data[k + 1] = color[1];
      img.data[k + 2] = color[2];
    }
  }
}

/**
 * `out = (1 − α)·image + α·colormap(A)` per pixel and channel, rounded (`map` is A, H × W, values in
 * [0, 1]; the image must be W × H).
 */
export function blendHeatmap(image: RgbImage, map: ArrayLike<number>, lut: ColormapLut, alpha: number): RgbImage {
  const { width, height } = image;
  if (map.length !== width * height) throw new RangeError(`heatmap has ${map.length} values, expected ${width} × ${height}`);
  const out = new Uint8Array(width * height * 3);
  const src = image.data;
  const keep = 1 - alpha;
  for (let p = 0; p < width * height; p++) {
    const k = 3 * lutIndex(map[p]!);
    const q = 3 * p;
    out[q] = Math.round(keep * src[q]! + alpha * lut[k]!);
    out[q + 1] = Math.round(keep * src[q + 1]! + alpha * lut[k + 1]!);
    out[q + 2] = Math.round(keep * src[q + 2]! + alpha * lut[k + 2]!);
  }
  return { width, height, data: out };
}

/**
 * The pixels a box covers, as the metrics' mask counts them (metrics.md §3: pixel centres inside the box,
 * edges included): columns `c0..c1`, rows `r0..r1`, clipped to the image; null when it covers none.
 */
export function boxPixels(box: Box, width: number, height: number): { c0: number; c1: number; r0: number; r1: number } | null {
  const [x0, y0, x1, y1] = box;
  const c0 = Math.max(0, Math.ceil(x0 - 0.5));
  const c1 = Math.min(width - 1, Math.floor(x1 - 0.5));
  const r0 = Math.max(0, Math.ceil(y0 - 0.5));
  const r1 = Math.min(height - 1, Math.floor(y1 - 0.5));
  return c0 <= c1 && r0 <= r1 ? { c0, c1, r0, r1 } : null;
}

/** Outlines a box: a frame `thickness` pixels wide along the inside of the pixels it covers. */
export function strokeBox(img: RgbImage, box: Box, thickness: number, color: Rgb): void {
  const px = boxPixels(box, img.width, img.height);
  if (!px) return;
  const { c0, c1, r0, r1 } = px;
  const w = c1 - c0 + 1;
  const h = r1 - r0 + 1;
  const t = Math.max(1, Math.min(thickness, Math.ceil(w / 2), Math.ceil(h / 2)));
  fillRect(img, c0, r0, w, t, color);
  fillRect(img, c0, r1 - t + 1, w, t, color);
  fillRect(img, c0, r0, t, h, color);
  fillRect(img, c1 - t + 1, r0, t, h, color);
}

/** A `+` centred on pixel (x, y): arms of `arm` pixels each side, `2·half + 1` pixels thick, with a 1-pixel outline. */
export function drawCross(img: RgbImage, x: number, y: number, arm: number, half: number, color: Rgb, outline: Rgb): void {
  fillRect(img, x - arm - 1, y - half - 1, 2 * arm + 3, 2 * half + 3, outline);
  fillRect(img, x - half - 1, y - arm - 1, 2 * half + 3, 2 * arm + 3, outline);
  fillRect(img, x - arm, y - half, 2 * arm + 1, 2 * half + 1, color);
  fillRect(img, x - half, y - arm, 2 * half + 1, 2 * arm + 1, color);
}

/**
 * A ring centred on pixel (x, y): pixels whose centre lies at a distance within [r − t/2, r + t/2] of
 * the centre's, with a 1-pixel outline ring on each side.
 */
export function drawRing(img: RgbImage, x: number, y: number, r: number, t: number, color: Rgb, outline: Rgb): void {
  const outer = r + t / 2 + 1;
  const R = Math.ceil(outer);
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      const d = Math.hypot(dx, dy);
      if (d >= r - t / 2 && d <= r + t / 2) setPixel(img, x + dx, y + dy, color);
      else if (d >= r - t / 2 - 1 && d <= outer) setPixel(img, x + dx, y + dy, outline);
    }
  }
}

/** Copies `src` into `dst` with its top-left corner at (x, y), clipped. */
export function blit(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  for (let yy = 0; yy < src.height; yy++) {
    const ty = y + yy;
    if (ty < 0 || ty >= dst.height) continue;
    for (let xx = 0; xx < src.width; xx++) {
      const tx = x + xx;
      if (tx < 0 || tx >= dst.width) continue;
      const s = 3 * (yy * src.width + xx);
      const d = 3 * (ty * dst.width + tx);
      dst.data[d] = src.data[s]!;
      dst.data[d + 1] = src.data[s + 1]!;
      dst.data[d + 2] = src.data[s + 2]!;
    }
  }
}
