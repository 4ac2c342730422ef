// `groundcam browse`: an interactive terminal view of a run's instances (sort, filter, heatmap preview,
// PNG overlays), or of two runs side by side on the same instances.
import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { COLORMAP_NAMES } from '../report/colormap.js';
import { COLOR_CHOICES } from '../tui/color-level.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
};

export const BROWSE_FILTERS = ['misses', 'uncertain', 'invalid', 'disagree'] as const;

export function registerBrowse(program: Command): void {
  program
    .command('browse')
    .description(
      "browse a run's instances in the terminal: a table sortable by every column and filterable (misses, uncertain, invalid, text), " +
        'a heatmap preview of the selected instance, a key to write its PNG overlay; with RUN2, both runs side by side on the same instances. ' +
        'Without a terminal, prints the table.',
    )
    .argument('<run>', 'a run folder written by groundcam eval')
    .argument('[run2]', 'a second run to compare with (instances joined by id)')
    .option('--sort <column>', 'start sorted by a column: its label (iou, wdp, pg, phrase, ...) or digit; a leading - sorts descending')
    .option('--filter <list>', `start filtered: comma-separated ${BROWSE_FILTERS.join(', ')}`)
    .option('--find <text>', 'start with only the instances whose phrase or id contains TEXT')
    .option('-o, --out <dir>', 'where the w key writes PNG overlays', 'renders')
    .option('--data-dir <dir>', "where the manifest's relative image paths start (default: the manifest's folder recorded in run.json)")
    .addOption(new Option('--colormap <name>', 'heatmap colours (preview and PNG)').choices(COLORMAP_NAMES).default('viridis' as const))
    .addOption(new Option('--color <level>', 'terminal colours for the preview: auto (from COLORTERM, TERM, FORCE_COLOR, NO_COLOR), truecolor, 256, 16 or none').choices(COLOR_CHOICES).default('auto' as const))
    .option('--plain', 'print the table instead of the interactive view (the default when stdout is not a terminal)')
    .option('--limit <n>', 'rows printed by the plain table', positiveInt, 50)
    .action(async (run, run2, opts) => {
      const { runBrowseCommand } = await import('./browse-command.js');
      await runBrowseCommand(run, run2 ?? null, opts);
    });
}
