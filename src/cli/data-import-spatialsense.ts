// `groundcam data import spatialsense` (datasets.md, "spatialsense").
import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { SPATIALSENSE_DEFAULTS, SPATIALSENSE_PROMPTS, SPATIALSENSE_SPLITS } from '../data/importers/options.js';
import { finishImport, JSON_HELP, OUT_HELP, pathsOption } from './data-import-common.js';

export function registerImportSpatialsense(importCommand: Command): void {
  importCommand
    .command('spatialsense')
    .description(
      'SpatialSense: one instance per relation with label true; bbox [y0, y1, x0, x1] → [x0, y0, x1, y1]; ' +
        'images/flickr/<file> for http urls, images/nyu/<file> otherwise',
    )
    .requiredOption('--root <dir>', 'SpatialSense folder: annotations.json and images/')
    .addOption(
      new Option('--prompt <kind>', 'triplet: "subject predicate object" + subject box; subject / object: its name + its box')
        .choices(SPATIALSENSE_PROMPTS)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--split <name>', 'split in annotations.json').choices(SPATIALSENSE_SPLITS).default(SPATIALSENSE_DEFAULTS.split))
    .option('--annotations <file>', 'annotations file (default <root>/annotations.json)')
    .option('--images <dir>', 'images folder holding flickr/ and nyu/ (default <root>/images)')
    .requiredOption('--out <file>', OUT_HELP)
    .addOption(pathsOption())
    .option('--json', JSON_HELP)
    .action(async (opts) => {
      const { importSpatialSense } = await import('../data/importers/spatialsense.js');
      const { ImportReport } = await import('../data/importers/report.js');
      const report = new ImportReport(`spatialsense ${opts.split} (prompt ${opts.prompt})`);
      const rows = importSpatialSense(
        { root: opts.root, prompt: opts.prompt, split: opts.split, annotations: opts.annotations, images: opts.images },
        report,
      );
      await finishImport(rows, report, opts);
    });
}
