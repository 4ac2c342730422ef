// `groundcam data`: `validate` a manifest and `import` datasets from their official formats.
import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { UserError } from '../util/errors.js';
import { VALIDATE_DEFAULTS } from '../data/validate.js';
import { registerImportFlickr30k } from './data-import-flickr30k.js';
import { registerShapesImport } from './data-import-shapes.js';
import { registerImportRefcoco } from './data-import-refcoco.js';
import { registerImportSpatialsense } from './data-import-spatialsense.js';

/** One registration function per importer module (`src/cli/data-import-<format>.ts`). */
export const IMPORT_FORMATS: Array<(importCommand: Command) => void> = [
  registerImportRefcoco,
  registerImportFlickr30k,
  registerImportSpatialsense,
  registerShapesImport,
];

const nonNegative = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0.');
  return n;
};
const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
};

export function registerData(program: Command): void {
  const data = program.command('data').description('check manifests and import datasets into them');

  data
    .command('validate')
    .description(
      'check a manifest without running a model: lines parse, ids unique, images present, readable and of the stated size, ' +
        'boxes non-empty and inside the image; exits 1 when anything is wrong',
    )
    .argument('<file>', 'manifest (JSON Lines)')
    .option('--no-images', 'do not look at the image files (checks the manifest text only)')
    .option('--decode', 'decode every image fully instead of reading its header (slower; catches truncated files)')
    .addOption(
      new Option('--tolerance <px>', 'pixels a box may reach outside its image before it is reported')
        .argParser(nonNegative)
        .default(VALIDATE_DEFAULTS.tolerance),
    )
    .addOption(new Option('--examples <n>', 'examples shown per kind of problem').argParser(positiveInt).default(VALIDATE_DEFAULTS.examples))
    .addOption(new Option('--concurrency <n>', 'images opened at once').argParser(positiveInt).default(VALIDATE_DEFAULTS.concurrency))
    .option('--json', 'print the report as JSON')
    .action(async (file, opts) => {
      const { validateManifest, formatValidationReport } = await import('../data/validate.js');
      const { ManifestError } = await import('../data/manifest.js');
      let report;
      try {
        report = await validateManifest(file, {
          images: opts.images,
          decode: opts.decode ?? false,
          tolerance: opts.tolerance,
          examples: opts.examples,
          concurrency: opts.concurrency,
        });
      } catch (err) {
        if (err instanceof ManifestError) throw new UserError(err.message);
        throw err;
      }
      process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : formatValidationReport(report)) + '\n');
      if (!report.ok) process.exitCode = 1;
    });

  const importCommand = data
    .command('import')
    .description('convert a dataset in its official format into a groundcam manifest (prints what it read, kept and skipped)');
  for (const register of IMPORT_FORMATS) register(importCommand);
}
