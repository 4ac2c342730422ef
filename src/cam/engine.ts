// How a CAM method turns one batch (images + phrases) into one grid per phrase by running the graphs.
import type { Preprocessed } from '../models/preprocess.js';
import type { GraphRunner } from '../models/runner.js';
import type { TokenBatch } from '../models/tokenizer.js';
import type { CamGrid } from './grid.js';

export interface CamEngine {
  /** Runs what depends on the images only (once per batch of images). */
  prepare(runner: GraphRunner, images: Preprocessed[], key: string): Promise<void>;
  /** One grid and one match score per phrase; `imageOf[b]` is phrase b's position in `images`. */
  infer(runner: GraphRunner, tokens: TokenBatch, imageOf: number[], key: string): Promise<{ grids: CamGrid[]; scores: ArrayLike<number> }>;
}

/** Stacks `[3, H, W]` images into one `[I, 3, H, W]` tensor. */
export function stackImages(images: Preprocessed[], H: number, W: number): Float32Array {
  const pixels = new Float32Array(images.length * 3 * H * W);
  images.forEach((g, i) => pixels.set(g.pixels, i * 3 * H * W));
  return pixels;
}
