// Anti-aliased rasterisation into a raw RGB buffer, in pure JS so that pixels are identical everywhere.
// Coverage is supersampled: each pixel gets SAMPLES x SAMPLES point samples; pixels whose whole cell is
// provably inside or outside the outline skip the sampling with the same result.
import type { Box } from '../manifest.js';
import { classifyDisc, insideOutline, type Bounds, type Outline } from './geometry.js';

/** Samples per pixel side (16 per pixel); coverage is a count in 0..SAMPLES^2. */
export const SAMPLES = 4;
export const FULL_COVERAGE = SAMPLES * SAMPLES;
/** Half the diagonal of a pixel cell, rounded up: a disc of this radius around a centre holds the cell. */
const CELL_RADIUS = 0.7072;

/** A shape's coverage over the pixel rectangle [x0, x0+w) x [y0, y0+h), and the box of its drawn pixels. */
export interface Coverage {
  x0: number;
  y0: number;
  w: number;
  h: number;
  /** Row-major counts of samples inside the outline, 0..FULL_COVERAGE. */
  counts: Uint8Array;
  /** Tight box of the pixels with non-zero coverage, `[x0, y0, x1, y1]` in manifest convention; null if none. */
  box: Box | null;
}

/** Number of the pixel's SAMPLES^2 sample points (at (k + 0.5) / SAMPLES) inside the outline. */
export function sampleCoverage(o: Outline, i: number, j: number): number {
  let n = 0;
  for (let a = 0; a < SAMPLES; a++) {
    const y = i + (a + 0.5) / SAMPLES;
    for (let b = 0; b < SAMPLES; b++) if (insideOutline(o, j + (b + 0.5) / SAMPLES, y)) n++;
  }
  return n;
}

/** The coverage of an outline on a width x height image (pixels outside the image are ignored). */
export function rasterise(o: Outline, bounds: Bounds, width: number, height: number): Coverage {
  const x0 = Math.max(0, Math.floor(bounds[0]));
  const y0 = Math.max(0, Math.floor(bounds[1]));
  const x1 = Math.min(width, Math.ceil(bounds[2]));
  const y1 = Math.min(height, Math.ceil(bounds[3]));
  const w = Math.max(0, x1 - x0);
  const h = Math.max(0, y1 - y0);
  const counts = new Uint8Array(w * h);
  let bx0 = Infinity;
  let by0 = Infinity;
  let bx1 = -Infinity;
  let by1 = -Infinity;
  for (let r = 0; r < h; r++) {
    const i = y0 + r;
    for (let c = 0; c < w; c++) {
      const j = x0 + c;
      const cls = classifyDisc(o, j + 0.5, i + 0.5, CELL_RADIUS);
      const n = cls < 0 ? FULL_COVERAGE : cls > 0 ? 0 : sampleCoverage(o, i, j);
      if (n === 0) continue;
      counts[r * w + c] = n;
      if (j < bx0) bx0 = j;
      if (j > bx1) bx1 = j;
      if (i < by0) by0 = i;
      if (i > by1) by1 = i;
    }
  }
  const box: Box | null = bx0 === Infinity ? null : [bx0, by0, bx1 + 1, by1 + 1];
  return { x0, y0, w, h, counts, box };
}

/** Blends a flat colour into an RGB buffer with the given coverage (exact integer rounding). */
export function paint(rgb: Uint8Array, width: number, cov: Coverage, color: readonly [number, number, number]): void {
  const [cr, cg, cb] = color;
  const HALF = FULL_COVERAGE / 2; // round half up
  for (let r = 0; r < cov.h; r++) {
    let p = ((cov.y0 + r) * width + cov.x0) * 3;
    for (let c = 0; c < cov.w; c++, p += 3) {
      const n = cov.counts[r * cov.w + c]!;
      if (n === 0) continue;
      const m = FULL_COVERAGE - n;
      rgb[p] = Math.floor((rgb[p]! * m + cr * n + HALF) / FULL_COVERAGE);
      rgb[p + 1] = Math.floor((rgb[p + 1]! * m + cg * n + HALF) / FULL_COVERAGE);
      rgb[p + 2] = Math.floor((rgb[p + 2]! * m + cb * n + HALF) / FULL_COVERAGE);
    }
  }
}
