// `groundcam render`: PNG overlays of chosen instances of a run (heatmap over the image, box, arg-max,
// NMS peaks, caption), optionally side by side with the same instances in a second run.
import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { COLORMAP_NAMES } from '../report/colormap.js';
import { RANK_METRICS } from '../report/select-instances.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
};
const unitInterval = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1.');
  return n;
};

export function registerRender(program: Command): void {
  program
    .command('render')
    .description(
      'draw instances of a run as PNG overlays: the heatmap the metrics saw blended over the image, the ground-truth box (green), ' +
        'the arg-max (white +), the NMS peaks (magenta o) and a caption with the phrase and the scores; one file per instance in --out',
    )
    .argument('<run>', 'a run folder written by groundcam eval')
    .option('--id <id>', 'an instance id to draw; repeatable', collect)
    .option('--worst <n>', 'draw the n worst instances by --by', positiveInt)
    .addOption(new Option('--by <metric>', 'what --worst ranks by (lowest first; highest first for wdp_*, peaks; misses first for pg_hit)').choices(RANK_METRICS).default('iou_soft' as const))
    .requiredOption('-o, --out <dir>', 'folder for the PNG files (created)')
    .option('--compare <run2>', 'put the same instance of a second run beside each one (joined by id)')
    .option('--data-dir <dir>', "where the manifest's relative image paths start (default: the manifest's folder recorded in run.json)")
    .addOption(new Option('--colormap <name>', 'heatmap colours').choices(COLORMAP_NAMES).default('viridis' as const))
    .option('--alpha <a>', 'heatmap opacity over the image (0-1)', unitInterval, 0.5)
    .addOption(new Option('--text <engine>', 'caption text: svg (system font), bitmap (built-in font) or auto (svg when a font renders)').choices(['auto', 'svg', 'bitmap'] as const).default('auto' as const))
    .action(async (run, opts) => {
      const { runRenderCommand } = await import('./render-command.js');
      await runRenderCommand(run, opts);
    });
}
