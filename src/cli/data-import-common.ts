// What every `groundcam data import <format>` shares: the output options, then writing the manifest
// and printing what was read, kept and skipped.
import { Option } from '@commander-js/extra-typings';
import type { ImportReport } from '../data/importers/report.js';
import { IMAGE_PATH_MODES, WRITE_IMPORT_DEFAULTS, writeImportedManifest, type ImagePathMode } from '../data/importers/write.js';
import type { ManifestRow } from '../data/manifest.js';

export interface ImportOutputOptions {
  out: string;
  paths: ImagePathMode;
  json?: boolean;
}

export const OUT_HELP = 'manifest to write (JSON Lines)';
export const JSON_HELP = 'print the import report as JSON instead of text';

/** `--paths auto|relative|absolute`: how image paths are written into the manifest. */
export function pathsOption() {
  return new Option(
    '--paths <mode>',
    "image paths in the manifest: relative to its folder, absolute, or auto (relative when the image is inside the manifest's folder)",
  )
    .choices(IMAGE_PATH_MODES)
    .default(WRITE_IMPORT_DEFAULTS.paths);
}

/** Writes the importer's rows to `--out` and prints what was read, kept and skipped. */
export async function finishImport(rows: AsyncIterable<ManifestRow>, report: ImportReport, opts: ImportOutputOptions): Promise<void> {
  const written = await writeImportedManifest(rows, opts.out, report, { paths: opts.paths });
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...report.toJSON(), out: opts.out, written }, null, 2) + '\n');
  } else {
    process.stdout.write(`${report.toText()}\nwrote ${written} instance(s) to ${opts.out}\n`);
  }
}
