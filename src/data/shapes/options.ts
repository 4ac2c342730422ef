// The shapes generator's options and their defaults, in one place for the library, the CLI and the README.

/** Bumped whenever the generator's output changes (pixels, phrases or manifest); it names cache folders. */
export const SHAPES_VERSION = 'v1';

export const SHAPES_SPLITS = ['train', 'val', 'test'] as const;
export type ShapesSplit = (typeof SHAPES_SPLITS)[number];

export const SHAPES_DEFAULTS = {
  split: 'test' as ShapesSplit,
  /** Number of images (about 2.9 phrases each). */
  n: 200,
  seed: 0,
  /** PNG encodes in flight while the next images are drawn. */
  concurrency: 4,
  /** zlib level of the PNGs: 4 is a third faster than libpng's default 6 for 7% larger files. */
  compressionLevel: 4,
};
