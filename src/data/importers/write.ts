// Writes an importer's rows as a manifest: image paths relative to the manifest's folder (or absolute),
// ids checked unique, images looked up on disk (reported, never dropped), and the file written under a
// temporary name then renamed, so an import that fails leaves no half-written manifest behind.
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ManifestWriter, type ManifestRow } from '../manifest.js';
import type { ImportReport } from './report.js';

/** How image paths are written: relative to the manifest's folder, absolute, or relative only when the image lies under that folder. */
export const IMAGE_PATH_MODES = ['auto', 'relative', 'absolute'] as const;
export type ImagePathMode = (typeof IMAGE_PATH_MODES)[number];

export interface WriteImportOptions {
  /** Default 'auto': relative when the image is inside the manifest's folder, else absolute. */
  paths?: ImagePathMode;
  /** Look each image up on disk and count the missing ones in the report. Default true. */
  checkImages?: boolean;
}

export const WRITE_IMPORT_DEFAULTS: Required<WriteImportOptions> = { paths: 'auto', checkImages: true };

/** The path written into the manifest for an image (posix separators when relative). */
export function manifestImagePath(imagePath: string, manifestFile: string, mode: ImagePathMode): string {
  const abs = path.resolve(imagePath);
  if (mode === 'absolute') return abs;
  const rel = path.relative(path.dirname(path.resolve(manifestFile)), abs);
  // A path on another drive (Windows) cannot be made relative.
  if (path.isAbsolute(rel)) return abs;
  if (mode === 'auto' && (rel === '..' || rel.startsWith(`..${path.sep}`))) return abs;
  return rel.split(path.sep).join('/');
}

/** Writes `rows` (image paths absolute) to `outFile`; returns the number of rows written. */
export async function writeImportedManifest(
  rows: AsyncIterable<ManifestRow> | Iterable<ManifestRow>,
  outFile: string,
  report: ImportReport,
  options: WriteImportOptions = {},
): Promise<number> {
  const opts = { ...WRITE_IMPORT_DEFAULTS, ...options };
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  const tmp = `${outFile}.partial-${process.pid}`;
  const writer = new ManifestWriter(tmp);
  const seen = new Set<string>();
  const images = new Set<string>();
  try {
    for await (const row of rows) {
      if (seen.has(row.id)) throw new Error(`importer produced the id "${row.id}" twice (a groundcam bug)`);
      seen.add(row.id);
      images.add(path.resolve(row.image));
      await writer.write({ ...row, image: manifestImagePath(row.image, outFile, opts.paths) });
    }
    await writer.close();
    await rename(tmp, outFile);
  } catch (err) {
    await writer.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  if (opts.checkImages) {
    for (const img of images) {
      try {
        await access(img);
      } catch {
        report.note('image files not found on disk (instances kept; check --images, then run groundcam data validate)', img);
      }
    }
  }
  return writer.count;
}
