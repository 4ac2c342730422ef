// `groundcam data import refcoco|refcoco+|refcocog`: the refer toolkit's layout (datasets.md, "refcoco+").
import type { Command } from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { REFER_DATASETS, REFER_DEFAULT_SPLIT_BY, REFER_SPLITS } from '../data/importers/options.js';
import { finishImport, JSON_HELP, OUT_HELP, pathsOption } from './data-import-common.js';

export function registerImportRefcoco(importCommand: Command): void {
  for (const dataset of REFER_DATASETS) {
    importCommand
      .command(dataset)
      .description(
        `${dataset} from refer's refs(${REFER_DEFAULT_SPLIT_BY[dataset]}).p + instances.json: one instance per sentence of each ref ` +
          'in the split; box = the ref\'s COCO annotation [x, y, x+w, y+h]',
      )
      .requiredOption('--refer-dir <dir>', `folder holding refs(${REFER_DEFAULT_SPLIT_BY[dataset]}).p and instances.json (or refer's data root above ${dataset}/)`)
      .requiredOption('--images <dir>', 'folder of the COCO train2014 images')
      .addOption(new Option('--split <split>', 'split to import').choices(REFER_SPLITS).makeOptionMandatory())
      .option('--split-by <name>', `which refs(<name>).p to read`, REFER_DEFAULT_SPLIT_BY[dataset])
      .requiredOption('--out <file>', OUT_HELP)
      .addOption(pathsOption())
      .option('--json', JSON_HELP)
      .action(async (opts) => {
        const { importRefer } = await import('../data/importers/refer.js');
        const { ImportReport } = await import('../data/importers/report.js');
        const report = new ImportReport(`${dataset} ${opts.split} (refs(${opts.splitBy}).p)`);
        const rows = importRefer(
          { dataset, referDir: opts.referDir, images: opts.images, split: opts.split, splitBy: opts.splitBy },
          report,
        );
        await finishImport(rows, report, opts);
      });
  }
}
