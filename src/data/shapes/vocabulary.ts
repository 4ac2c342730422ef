// The shapes benchmark's vocabulary: every word a phrase can use, and what it looks like.
// Phrases use only these words plus "the" and "of", so a model with a tiny WordPiece vocabulary can learn it.

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'star'] as const;
export type ShapeKind = (typeof SHAPES)[number];

/** Saturated, clearly distinct colours; backgrounds are kept low-saturation so they never look like one. */
export const COLORS = {
  red: [220, 30, 35],
  green: [25, 175, 55],
  blue: [35, 80, 225],
  yellow: [245, 215, 25],
  purple: [145, 45, 190],
  orange: [250, 130, 20],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColorName = keyof typeof COLORS;
export const COLOR_NAMES = Object.keys(COLORS) as ColorName[];

export const SIZES = ['small', 'large'] as const;
export type SizeName = (typeof SIZES)[number];

/**
 * Extent (the larger side of a shape's outline box) as a fraction of min(width, height). The two ranges
 * keep every large shape at least 0.19 / 0.105 = 1.8x the extent of every small one.
 */
export const SIZE_EXTENT: Record<SizeName, readonly [number, number]> = {
  small: [0.085, 0.105],
  large: [0.19, 0.23],
};

export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type RelationName = (typeof RELATIONS)[number];

/** Every word that can appear in a phrase (for a tokenizer's vocabulary). */
export const WORDS: readonly string[] = [
  'the',
  'of',
  ...SHAPES,
  ...COLOR_NAMES,
  ...SIZES,
  'left',
  'right',
  'above',
  'below',
];
