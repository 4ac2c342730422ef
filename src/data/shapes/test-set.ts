// The canonical shapes test split that `groundcam eval` uses when given no dataset: generated once into
// the cache folder, atomically, and reused afterwards.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { defaultCacheDir } from '../../util/cache-dir.js';
import { UserError } from '../../util/errors.js';
import { generateShapes, type ShapesReport } from './generate.js';
import { SHAPES_VERSION, type ShapesSplit } from './options.js';

/** The canonical test split. Changing any of these (or the generator) needs a new SHAPES_VERSION. */
export const SHAPES_TEST_SET: { split: ShapesSplit; seed: number; n: number } = { split: 'test', seed: 0, n: 200 };

/** The cache folder of the canonical test split, e.g. `~/.cache/groundcam/shapes-test-v1`. */
export function shapesTestSetDir(cacheDir: string = defaultCacheDir()): string {
  return path.join(cacheDir, `shapes-test-${SHAPES_VERSION}`);
}

export interface EnsureShapesTestSetOptions {
  onProgress?: (done: number, total: number) => void;
  /** Called with the report when the split had to be generated (not when it was already cached). */
  onGenerated?: (report: ShapesReport) => void;
}

/**
 * Returns the manifest of the canonical shapes test split, generating it first if the cache lacks it.
 * Generation writes into a temporary folder beside the final one and renames it into place, so a crash
 * never leaves a half-written split, and two processes racing both end up with the same complete one.
 */
export async function ensureShapesTestSet(
  cacheDir: string = defaultCacheDir(),
  options: EnsureShapesTestSetOptions = {},
): Promise<string> {
  const dir = shapesTestSetDir(cacheDir);
  const manifest = path.join(dir, 'manifest.jsonl');
  if (existsSync(manifest)) return manifest;
  let tmp: string;
  try {
    await mkdir(cacheDir, { recursive: true });
    tmp = await mkdtemp(path.join(cacheDir, `.shapes-test-${SHAPES_VERSION}-`));
  } catch (err) {
    throw new UserError(
      `cannot write the shapes test split into the cache folder ${cacheDir} (${(err as Error).message}): ` +
        'set GROUNDCAM_CACHE to a writable folder',
    );
  }
  try {
    const report = await generateShapes({
      ...SHAPES_TEST_SET,
      imagesDir: path.join(tmp, 'images'),
      out: path.join(tmp, 'manifest.jsonl'),
      onProgress: options.onProgress,
    });
    await rename(tmp, dir);
    options.onGenerated?.(report);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process finished first: its split is the same, use it.
    if (existsSync(manifest)) return manifest;
    if (existsSync(dir)) throw new UserError(`${dir} exists but holds no manifest.jsonl: delete that folder and run again`);
    throw err;
  }
  return manifest;
}
