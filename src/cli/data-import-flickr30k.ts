// `groundcam data import flickr30k`: Flickr30k Entities (datasets.md, "flickr30k").
import type { Command } from '@commander-js/extra-typings';
import { FLICKR30K_DEFAULTS } from '../data/importers/options.js';
import { finishImport, JSON_HELP, OUT_HELP, pathsOption } from './data-import-common.js';

export function registerImportFlickr30k(importCommand: Command): void {
  importCommand
    .command('flickr30k')
    .description(
      'Flickr30k Entities: one instance per annotated phrase occurrence with at least one box; ' +
        'boxes [xmin-1, ymin-1, xmax, ymax] (1-based inclusive in the XML); nobndbox/scene/notvisual phrases skipped',
    )
    .requiredOption('--root <dir>', 'Flickr30k Entities folder: Sentences/, Annotations/, <split>.txt')
    .requiredOption('--images <dir>', 'folder of the Flickr30k images (flickr30k-images)')
    .option('--split <name>', 'split: reads <root>/<name>.txt', FLICKR30K_DEFAULTS.split)
    .option('--split-file <file>', 'image-id list to read instead of <root>/<split>.txt')
    .option('--merge-boxes', "replace each phrase's boxes with their enclosing box (the paper's protocol)")
    .requiredOption('--out <file>', OUT_HELP)
    .addOption(pathsOption())
    .option('--json', JSON_HELP)
    .action(async (opts) => {
      const { importFlickr30k } = await import('../data/importers/flickr30k.js');
      const { ImportReport } = await import('../data/importers/report.js');
      const report = new ImportReport(`flickr30k ${opts.split}${opts.mergeBoxes ? ' (boxes merged)' : ''}`);
      const rows = importFlickr30k(
        { root: opts.root, images: opts.images, split: opts.split, splitFile: opts.splitFile, mergeBoxes: opts.mergeBoxes ?? false },
        report,
      );
      await finishImport(rows, report, opts);
    });
}
