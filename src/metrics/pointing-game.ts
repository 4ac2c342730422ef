// pg_hit (metrics.md §4): is the first arg-max of A inside the box mask (or closer than the tolerance)?
import type { Box } from '../data/manifest.js';
import { centreInBoxes, pixelDistance } from './boxes.js';

/** The first arg-max in row-major order (metrics.md §4: p*). */
export function firstArgmax(a: ArrayLike<number>): number {
  let best = -Infinity;
  let at = 0;
  for (let p = 0; p < a.length; p++) {
    if (a[p]! > best) {
      best = a[p]!;
      at = p;
    }
  }
  return at;
}

/** pg_hit for p* = (row i, column j): M(p*) = 1, or with tolerance > 0, D(p*) < tolerance (metrics.md §4). */
export function pointingGameHit(boxes: readonly Box[], i: number, j: number, tolerance: number): boolean {
  return tolerance > 0 ? pixelDistance(boxes, i, j) < tolerance : centreInBoxes(boxes, i, j);
}
