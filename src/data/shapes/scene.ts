// One image of the shapes benchmark, planned from (seed, split, index) alone: its size, background, shapes
// (attributes, positions, drawn coverage and boxes) and the referring expressions chosen for it. Rendering
// the pixels is a separate, cheap step (`renderScene`).
import type { Box } from '../manifest.js';
import { paintBackground, sampleBackground, type BackgroundSpec } from './background.js';
import { chooseExpressions, type Choice, type SceneObject } from './expressions.js';
import { shapeGeometry } from './geometry.js';
import { deriveSeed, hashString, Random } from './random.js';
import { paint, rasterise, type Coverage } from './raster.js';
import type { ShapesSplit } from './options.js';
import { relationMargin } from './relations.js';
import { COLOR_NAMES, COLORS, SHAPES, SIZE_EXTENT, SIZES } from './vocabulary.js';

/** Image sizes `[width, height]` and how often each is drawn (mostly 4:3 landscape, some portrait). */
export const IMAGE_SIZES: readonly { size: readonly [number, number]; weight: number }[] = [
  { size: [320, 240], weight: 4 },
  { size: [400, 300], weight: 2 },
  { size: [480, 360], weight: 3 },
  { size: [640, 480], weight: 1 },
  { size: [240, 320], weight: 1 },
  { size: [360, 480], weight: 1 },
];
/** Weights of 2, 3, 4, 5, 6 shapes per image. */
const OBJECT_COUNT_WEIGHTS = [1, 2, 3, 2.5, 2];
/** Probability that a new shape repeats the shape (resp. colour) of one already placed: distractors. */
const REPEAT_SHAPE = 0.55;
const REPEAT_COLOR = 0.35;
/** Phrases wanted per image (drawn uniformly from this list; fewer when fewer objects have one). */
const PHRASES_PER_IMAGE = [3, 3, 4, 4, 5];
/** Free space between two shapes' outline boxes, and between a shape and the image border (x the shorter side). */
export const OBJECT_GAP = 0.04;
export const BORDER_GAP = 0.02;
const PLACEMENT_TRIES = 100;

export interface PlacedObject extends SceneObject {
  /** Larger side of the outline box, pixels. */
  extent: number;
  /** Centre of the outline box. */
  cx: number;
  cy: number;
  coverage: Coverage;
}

export interface Scene {
  split: ShapesSplit;
  seed: number;
  index: number;
  width: number;
  height: number;
  background: BackgroundSpec;
  objects: PlacedObject[];
  /** Chosen expressions, at most one per object, in object order. */
  choices: Choice[];
}

/** The seed of image `index` of a split: independent streams per (seed, split), one sub-stream per image. */
export function imageSeed(seed: number, split: ShapesSplit, index: number): number {
  return deriveSeed(seed, hashString(split), index);
}

const separated = (a: Box, b: Box, gap: number): boolean =>
  a[2] + gap <= b[0] || b[2] + gap <= a[0] || a[3] + gap <= b[1] || b[3] + gap <= a[1];

/** Plans image `index` of a split. Depends on nothing else, so image k is the same whatever n is. */
export function planScene(seed: number, split: ShapesSplit, index: number): Scene {
  const rng = new Random(imageSeed(seed, split, index));
  const [width, height] = IMAGE_SIZES[rng.weighted(IMAGE_SIZES.map((s) => s.weight))]!.size;
  const background = sampleBackground(rng);
  const side = Math.min(width, height);
  const count = 2 + rng.weighted(OBJECT_COUNT_WEIGHTS);

  // Attributes first (with deliberate repeats so that colour, size and relations are needed to refer).
  const attrs: Pick<SceneObject, 'shape' | 'color' | 'size'>[] = [];
  for (let k = 0; k < count; k++) {
    const shape = k > 0 && rng.chance(REPEAT_SHAPE) ? rng.pick(attrs).shape : rng.pick(SHAPES);
    const color = k > 0 && rng.chance(REPEAT_COLOR) ? rng.pick(attrs).color : rng.pick(COLOR_NAMES);
    const size = rng.pick(SIZES);
    attrs.push({ shape, color, size });
  }

  // Then positions: large shapes first; a shape that finds no free place is left out.
  const order = attrs.map((_, k) => k).sort((a, b) => (attrs[a]!.size === attrs[b]!.size ? a - b : attrs[a]!.size === 'large' ? -1 : 1));
  const gap = OBJECT_GAP * side;
  const border = BORDER_GAP * side;
  const placed = new Map<number, PlacedObject>();
  const taken: Box[] = []; // outline boxes of the shapes placed so far
  for (const k of order) {
    const a = attrs[k]!;
    const [lo, hi] = SIZE_EXTENT[a.size];
    const extent = rng.range(lo, hi) * side;
    const probe = shapeGeometry(a.shape, 0, 0, extent).bounds;
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const cx = rng.range(border - probe[0], width - border - probe[2]);
      const cy = rng.range(border - probe[1], height - border - probe[3]);
      const geom = shapeGeometry(a.shape, cx, cy, extent);
      if (!taken.every((b) => separated(geom.bounds, b, gap))) continue;
      taken.push(geom.bounds);
      const coverage = rasterise(geom.outline, geom.bounds, width, height);
      placed.set(k, { ...a, extent, cx, cy, coverage, box: coverage.box! });
      break;
    }
  }
  const objects = [...placed.keys()].sort((a, b) => a - b).map((k) => placed.get(k)!);
  const wanted = rng.pick(PHRASES_PER_IMAGE);
  const choices = chooseExpressions(rng, objects, relationMargin(width, height), wanted);
  return { split, seed, index, width, height, background, objects, choices };
}

/** The scene's pixels, RGB, row-major; `omit` leaves one object out (used to find its drawn pixels). */
export function renderScene(scene: Scene, omit?: number): Uint8Array {
  const rgb = paintBackground(scene.background, scene.width, scene.height);
  scene.objects.forEach((o, k) => {
    if (k !== omit) paint(rgb, scene.width, o.coverage, COLORS[o.color]);
  });
  return rgb;
}
