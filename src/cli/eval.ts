// `groundcam eval`: run models (and baselines) over a dataset, live table, resumable runs.
import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { mergeBoxesOption, pgLevelsOption, pgToleranceOption, resizeOption } from './metric-flags.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
};
const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'evaluate models (and model-free baselines) on a dataset: GradCAM heatmaps from the exported graphs, Q-GroundCAM metrics, ' +
        'a live table, and one resumable run folder per model. With no arguments: the bundled model and the centre baseline on the shapes test set.',
    )
    .option('-m, --model <name-or-dir>', 'an exported model: a bundled name (see models/) or a folder with model.json; repeat or comma-separate for several', collect)
    .option('-b, --baseline <name>', 'a baseline that needs no model: centre, uniform or random; repeatable', collect)
    .option('-d, --dataset <manifest>', 'the dataset manifest (JSON Lines, see README "Datasets")')
    .addOption(new Option('--tokens <rule>', "token rule of attention-GradCAM: all positions (ALBEF) or word tokens (LAVIS); default: the model card's").choices(['all', 'words'] as const))
    .option('--topk <k>', "gScoreCAM: channels kept (default: the model card's, 300 for the paper's setting)", positiveInt)
    .option('--mask-batch <n>', 'gScoreCAM: masked images per image-graph call', positiveInt, 32)
    .option('--device <device>', 'auto, cpu, cuda or cuda:N', 'auto')
    .option('--devices <list>', 'one inference worker per device: GPU ids such as 0,1 (or cpu, cuda:N); overrides --device', collect)
    .option('--threads <n>', 'onnxruntime threads (default: all cores)', positiveInt)
    .option('--batch-size <n>', 'phrases per CAM-graph call', positiveInt, 32)
    .option('--images-per-batch <n>', 'images per image-graph call', positiveInt, 8)
    .option('--runs-dir <dir>', 'where run folders are created', 'runs')
    .option('--resume [dirs...]', 'continue unfinished runs: the latest one with the same configuration, or the folders given (one per model/baseline, in order)')
    .option('--shard <i/n>', 'evaluate shard i of n (whole images; default from SLURM_ARRAY_TASK_ID/COUNT when set); combine with `groundcam merge`')
    .option('--limit <n>', 'only the first n instances of the dataset (before sharding)', positiveInt)
    .addOption(resizeOption())
    .addOption(pgToleranceOption())
    .addOption(pgLevelsOption())
    .addOption(mergeBoxesOption())
    .option('--baseline-sigma <f>', 'centre baseline: Gaussian sigma as a fraction of the grid', Number)
    .option('--seed <n>', 'random baseline seed', Number)
    .option('--no-tui', 'plain progress lines instead of the live table')
    .option('--json', 'print the results as JSON on stdout when done')
    .option('--verbose', "show onnxruntime's warnings")
    .action(async (opts) => {
      const { runEvalCommand } = await import('./eval-command.js');
      await runEvalCommand(opts);
    });
}
