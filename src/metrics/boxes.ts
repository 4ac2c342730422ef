// Step 3 of metrics.md: ground-truth boxes → the box mask M (pixel centres, inclusive) and the distance
// D used by WDP and the pointing-game tolerance.
import type { Box } from '../data/manifest.js';

/** Why an instance cannot be scored because of its boxes (metrics.md §3: an empty mask is invalid). */
export const BOX_INVALID = {
  none: 'no boxes',
  outside: 'every box is outside the image or has zero area',
  noCentre: 'the boxes cover no pixel centre',
} as const;

/** A box clipped to [0, W] × [0, H]. */
export function clipBox(b: Box, W: number, H: number): Box {
  const cx = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  return [cx(b[0], W), cx(b[1], H), cx(b[2], W), cx(b[3], H)];
}

/**
 * The boxes an instance is scored against: clipped to the image, those of zero area dropped (they cover
 * nothing and take no part in M, D or merging), then with `merge` replaced by their enclosing box.
 */
export function prepareBoxes(boxes: readonly Box[], W: number, H: number, merge: boolean): Box[] | { invalid: string } {
  if (boxes.length === 0) return { invalid: BOX_INVALID.none };
  const kept: Box[] = [];
  for (const b of boxes) {
    const c = clipBox(b, W, H);
    if (c[2] > c[0] && c[3] > c[1]) kept.push(c);
  }
  if (kept.length === 0) return { invalid: BOX_INVALID.outside };
  if (!merge || kept.length === 1) return kept;
  const m: Box = [...kept[0]!];
  for (const b of kept) {
    m[0] = Math.min(m[0], b[0]);
    m[1] = Math.min(m[1], b[1]);
    m[2] = Math.max(m[2], b[2]);
    m[3] = Math.max(m[3], b[3]);
  }
  return [m];
}

/** M(i, j) for one box (metrics.md §3): x0 <= j + 0.5 <= x1 and y0 <= i + 0.5 <= y1. */
export function centreInBox(b: Box, i: number, j: number): boolean {
  const x = j + 0.5;
  const y = i + 0.5;
  return b[0] <= x && x <= b[2] && b[1] <= y && y <= b[3];
}

/** M(i, j) for the union of the boxes. */
export function centreInBoxes(boxes: readonly Box[], i: number, j: number): boolean {
  for (const b of boxes) if (centreInBox(b, i, j)) return true;
  return false;
}

/** The first pixel index c >= 0 whose centre c + 0.5 is >= lo. */
export function firstCentreAtOrAfter(lo: number): number {
  let c = Math.max(0, Math.ceil(lo - 0.5) - 1);
  while (c + 0.5 < lo) c++;
  return c;
}

/** The last pixel index c <= n − 1 whose centre c + 0.5 is <= hi (−1 if none). */
export function lastCentreAtOrBefore(hi: number, n: number): number {
  let c = Math.min(n - 1, Math.floor(hi - 0.5) + 1);
  while (c >= 0 && c + 0.5 > hi) c--;
  return c;
}

/**
 * The pixels whose centres a box covers, as inclusive index ranges: columns colLo..colHi and rows
 * rowLo..rowHi (empty when lo > hi). M is the union of these rectangles.
 */
export interface CentreRange {
  colLo: number;
  colHi: number;
  rowLo: number;
  rowHi: number;
}

export function centreRange(b: Box, W: number, H: number): CentreRange {
  return {
    colLo: firstCentreAtOrAfter(b[0]),
    colHi: lastCentreAtOrBefore(b[2], W),
    rowLo: firstCentreAtOrAfter(b[1]),
    rowHi: lastCentreAtOrBefore(b[3], H),
  };
}

/** Does any pixel centre of a W × H image lie in one of the boxes (is the mask non-empty)? */
export function coversPixelCentre(boxes: readonly Box[], W: number, H: number): boolean {
  return boxes.some((b) => {
    const r = centreRange(b, W, H);
    return r.colLo <= r.colHi && r.rowLo <= r.rowHi;
  });
}

/** Squared distance along one axis from the pixel centre c to the interval [lo, hi] (0 inside). */
export function axisGap(lo: number, hi: number, c: number): number {
  const d = lo - c > 0 ? lo - c : c - hi > 0 ? c - hi : 0;
  return d * d;
}

/** D(p) of metrics.md §4: distance from the centre of pixel (i, j) to the nearest point of the nearest box. */
export function pixelDistance(boxes: readonly Box[], i: number, j: number): number {
  let best = Infinity;
  for (const b of boxes) {
    const d2 = axisGap(b[0], b[2], j + 0.5) + axisGap(b[1], b[3], i + 0.5);
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}

/**
 * Per-box squared axis gaps for a whole image: `gx[k·W + j]` and `gy[k·H + i]`, so that
 * D(i, j)² = min_k (gx[k·W + j] + gy[k·H + i]) — exactly the sums pixelDistance forms.
 */
export function axisGaps(boxes: readonly Box[], W: number, H: number, gx: Float64Array, gy: Float64Array): void {
  boxes.forEach((b, k) => {
    for (let j = 0; j < W; j++) gx[k * W + j] = axisGap(b[0], b[2], j + 0.5);
    for (let i = 0; i < H; i++) gy[k * H + i] = axisGap(b[1], b[3], i + 0.5);
  });
}
