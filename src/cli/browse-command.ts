// The work behind `groundcam browse`: load the run(s), then the ink app on a terminal or the plain table
// otherwise.
import path from 'node:path';
import type { ColormapName } from '../report/colormap.js';
import { DEFAULT_RENDER_OPTIONS, renderInstance, RunRenderer } from '../report/render-instance.js';
import { slugify } from '../report/select-instances.js';
import { loadRun, runLabel, type LoadedRun } from '../runs/load-run.js';
import { compareColumns, parseSort, singleColumns } from '../tui/browse-columns.js';
import type { BrowseStart } from '../tui/browse-app.js';
import { colorLevelOf, type ColorChoice } from '../tui/color-level.js';
import { PreviewLoader } from '../tui/preview-loader.js';
import { UserError } from '../util/errors.js';
import { BROWSE_FILTERS } from './browse.js';

export interface BrowseCommandOptions {
  sort?: string;
  filter?: string;
  find?: string;
  out: string;
  dataDir?: string;
  colormap: ColormapName;
  color: ColorChoice;
  plain?: true;
  limit: number;
}

function startOf(opts: BrowseCommandOptions, a: LoadedRun, compare: boolean): BrowseStart {
  const start: BrowseStart = { filters: {} };
  if (opts.sort !== undefined) {
    const columns = compare ? compareColumns() : singleColumns(a.rows.some((r) => typeof r.score === 'number'));
    const sort = parseSort(opts.sort, columns);
    if (!sort) throw new UserError(`--sort ${opts.sort}: no such column (${columns.map((c) => `${c.key} ${c.label}`).join(', ')})`);
    start.sort = sort;
  }
  for (const f of (opts.filter ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(BROWSE_FILTERS as readonly string[]).includes(f)) throw new UserError(`--filter ${f}: expected ${BROWSE_FILTERS.join(', ')}`);
    if (f === 'disagree' && !compare) throw new UserError('--filter disagree needs two runs');
    start.filters![f === 'invalid' ? 'problems' : (f as 'misses' | 'uncertain' | 'disagree')] = true;
  }
  if (opts.find !== undefined) start.filters!.text = opts.find;
  return start;
}

export async function runBrowseCommand(runDir: string, run2Dir: string | null, opts: BrowseCommandOptions): Promise<void> {
  const load = { ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }) };
  const a = await loadRun(runDir, load);
  const b = run2Dir ? await loadRun(run2Dir, load) : null;
  const start = startOf(opts, a, b !== null);
  const interactive = !opts.plain && process.stdout.isTTY === true && process.stdin.isTTY === true;
  const dataset = `${a.config.dataset_name}${a.config.split ? '/' + a.config.split : ''}`;
  if (!interactive) {
    const { startState } = await import('../tui/browse-app.js');
    const { plainBrowseTable } = await import('../tui/browse-plain.js');
    const state = startState(a, b, process.stdout.columns || 120, 24, start);
    process.stdout.write(`${runLabel(a.config)}${b ? ` vs ${runLabel(b.config)}` : ''} · ${dataset}\n` + plainBrowseTable(state, process.stdout.columns || 120, opts.limit));
    return;
  }

  // ink renders nothing until exit when it believes it runs in CI (is-in-ci reads CI when first imported);
  // this is an interactive terminal, so the view must draw.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ render }, React, { BrowseScreen }] = await Promise.all([import('ink'), import('react'), import('../tui/browse-screen.js')]);
  const loaders = [new PreviewLoader(a), ...(b ? [new PreviewLoader(b)] : [])];
  const renderers = [new RunRenderer(a), ...(b ? [new RunRenderer(b)] : [])];
  const level = colorLevelOf(opts.color, process.env, true);
  const options = { ...DEFAULT_RENDER_OPTIONS, colormap: opts.colormap };
  const browseRun = (run: LoadedRun, loader: PreviewLoader) => ({ label: runLabel(run.config), rows: run.rows, loadPreview: loader.load.bind(loader) });
  const app = React.createElement(BrowseScreen, {
    a: browseRun(a, loaders[0]!),
    b: b ? browseRun(b, loaders[1]!) : null,
    dataset,
    preview: { colormap: opts.colormap, alpha: options.alpha, level },
    start,
    writePng: async (item) => {
      const file = path.join(opts.out, `${slugify(item.id)}${b ? '_compare' : ''}.png`);
      await renderInstance(renderers, item.a, file, options);
      return file;
    },
  });
  process.stdout.write('\x1b[?1049h\x1b[H'); // the terminal's alternate screen, as less and vim use
  const ink = render(app, { exitOnCtrlC: true, patchConsole: false });
  try {
    await ink.waitUntilExit();
  } finally {
    process.stdout.write('\x1b[?1049l');
    for (const l of loaders) l.close();
    for (const r of renderers) r.close();
  }
}
