// The work behind `groundcam render`.
import path from 'node:path';
import type { ColormapName } from '../report/colormap.js';
import type { TextEngineChoice } from '../report/png.js';
import { renderInstance, RunRenderer } from '../report/render-instance.js';
import { rowsById, slugify, worstRows, type RankMetric } from '../report/select-instances.js';
import { loadRun } from '../runs/load-run.js';
import { UserError } from '../util/errors.js';

export interface RenderCommandOptions {
  id?: string[];
  worst?: number;
  by: RankMetric;
  out: string;
  compare?: string;
  dataDir?: string;
  colormap: ColormapName;
  alpha: number;
  text: TextEngineChoice;
}

export async function runRenderCommand(runDir: string, opts: RenderCommandOptions): Promise<void> {
  if (!opts.id?.length && opts.worst === undefined) throw new UserError('name the instances to draw: --id ID (repeatable) or --worst N [--by METRIC]');
  const load = { ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }) };
  const run = await loadRun(runDir, load);
  const rows = [...(opts.id?.length ? rowsById(run.rows, opts.id, runDir) : [])];
  if (opts.worst !== undefined) {
    const worst = worstRows(run.rows, opts.by, opts.worst);
    if (worst.length === 0) throw new UserError(`${runDir}: no scored instance has ${opts.by}`);
    for (const r of worst) if (!rows.includes(r)) rows.push(r);
  }
  const renderers = [new RunRenderer(run)];
  if (opts.compare) renderers.push(new RunRenderer(await loadRun(opts.compare, load)));
  const used = new Set<string>();
  const options = { colormap: opts.colormap, alpha: opts.alpha, text: opts.text };
  try {
    for (const [k, row] of rows.entries()) {
      let name = slugify(row.id);
      for (let i = 2; used.has(name); i++) name = `${slugify(row.id)}-${i}`;
      used.add(name);
      const file = path.join(opts.out, `${opts.worst !== undefined && !opts.id?.length ? `${String(k + 1).padStart(2, '0')}_` : ''}${name}.png`);
      const { figure, notes } = await renderInstance(renderers, row, file, options);
      process.stdout.write(`${file}\n`);
      for (const note of new Set(notes)) process.stderr.write(`groundcam: ${row.id}: ${note}\n`);
      if (k === 0) process.stderr.write(`groundcam: captions drawn with ${figure.style.engine === 'svg' ? 'SVG text (system font)' : 'the built-in bitmap font'}\n`);
    }
  } finally {
    for (const r of renderers) r.close();
  }
  process.stderr.write(`groundcam: wrote ${rows.length} PNG file${rows.length === 1 ? '' : 's'} to ${opts.out}\n`);
}
