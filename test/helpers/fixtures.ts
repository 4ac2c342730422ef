// Paths of the committed fixtures (written by scripts/make-fixtures.mjs) and small test helpers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(REPO, 'fixtures');
export const DATASETS = path.join(FIXTURES, 'datasets');
export const PICKLES = path.join(FIXTURES, 'pickles');
export const REFER = path.join(DATASETS, 'refer');
export const COCO_IMAGES = path.join(REFER, 'images', 'train2014');
export const FLICKR = path.join(DATASETS, 'flickr30k');
export const FLICKR_IMAGES = path.join(FLICKR, 'flickr30k-images');
export const SPATIALSENSE = path.join(DATASETS, 'spatialsense');

export function tempDir(prefix = 'groundcam-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Collects an async generator into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
