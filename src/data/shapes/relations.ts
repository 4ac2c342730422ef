// Spatial relations between two drawn shapes, judged on their boxes with three outcomes, so that a phrase
// is generated only when a human would agree: "yes" needs a clear gap, "no" needs the candidate to be
// clearly on the other side, and everything in between is "unclear" (and blocks the phrase).
import type { Box } from '../manifest.js';
import type { RelationName } from './vocabulary.js';

/** The clear gap a relation needs, as a fraction of min(width, height) (7.2 px on a 320 x 240 image). */
export const RELATION_MARGIN = 0.03;

export type Verdict = 'yes' | 'no' | 'unclear';

/** The gap, in pixels, that RELATION_MARGIN gives on a width x height image. */
export function relationMargin(width: number, height: number): number {
  return RELATION_MARGIN * Math.min(width, height);
}

/**
 * Whether box `t` is `relation` box `a` ("t left of a").
 * - left of: yes iff t.x1 + margin <= a.x0 and the centres' offset is at least as horizontal as vertical
 *   (|dy| <= |dx|); no iff t's centre is not left of a's centre (t.cx >= a.cx); otherwise unclear.
 * - right of, above, below: the same rule mirrored or transposed.
 */
export function relationVerdict(relation: RelationName, t: Box, a: Box, margin: number): Verdict {
  const dx = (t[0] + t[2]) / 2 - (a[0] + a[2]) / 2;
  const dy = (t[1] + t[3]) / 2 - (a[1] + a[3]) / 2;
  const horizontal = Math.abs(dy) <= Math.abs(dx);
  const vertical = Math.abs(dx) <= Math.abs(dy);
  switch (relation) {
    case 'left of':
      if (dx >= 0) return 'no';
      return t[2] + margin <= a[0] && horizontal ? 'yes' : 'unclear';
    case 'right of':
      if (dx <= 0) return 'no';
      return t[0] >= a[2] + margin && horizontal ? 'yes' : 'unclear';
    case 'above':
      if (dy >= 0) return 'no';
      return t[3] + margin <= a[1] && vertical ? 'yes' : 'unclear';
    case 'below':
      if (dy <= 0) return 'no';
      return t[1] >= a[3] + margin && vertical ? 'yes' : 'unclear';
  }
}
