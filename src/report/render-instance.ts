// One instance of a run (or the same instance in two runs, side by side) drawn as a PNG: image, heatmap
// A as the metrics saw it, box, arg-max, NMS peaks, caption. Used by `groundcam render` and by the `w`
// key of `groundcam browse`.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { instanceMap } from '../runs/instance-map.js';
import { imagePathOf, methodLabel, rowState, type LoadedRun } from '../runs/load-run.js';
import { CamReader, type InstanceRow } from '../runs/store.js';
import type { CaptionInfo } from './caption.js';
import { composeFigure, type Figure, type FigurePanel } from './figure.js';
import { composeOverlay, DEFAULT_OVERLAY_OPTIONS, type OverlayOptions } from './overlay.js';
import { encodeFigurePng, loadBaseImage, resolveTextEngine, MISSING_IMAGE_GREY, type TextEngineChoice } from './png.js';
import { createImage } from './raster.js';
import type { InstanceMetrics } from '../metrics/instance.js';

export interface RenderOptions extends OverlayOptions {
  /** Caption text: SVG with a system font, the built-in bitmap font, or auto (SVG when it renders here). */
  text: TextEngineChoice;
}

export const DEFAULT_RENDER_OPTIONS: Readonly<RenderOptions> = Object.freeze({ ...DEFAULT_OVERLAY_OPTIONS, text: 'auto' });

/** How a run is named in a caption: `toy · attention-gradcam/all`, `centre baseline`. */
export function runCaption(run: LoadedRun): string {
  const c = run.config;
  return c.kind === 'model' ? `${c.model ?? 'model'} · ${methodLabel(c)}` : `${c.method} baseline`;
}

/** Draws the instances of one run; keeps its cams.bin open until close(). */
export class RunRenderer {
  private cams: CamReader | null = null;
  constructor(readonly run: LoadedRun) {}

  /** The overlay and caption of `row` (a grey panel saying why when there is nothing to draw). */
  async panel(row: InstanceRow, options: OverlayOptions): Promise<FigurePanel> {
    this.cams ??= new CamReader(this.run.dir);
    const m = instanceMap(this.run, row, this.cams);
    const caption: CaptionInfo = {
      phrase: String(row.phrase ?? ''),
      id: row.id,
      run: runCaption(this.run),
      metrics: null,
      notes: [],
    };
    if (typeof row.score === 'number') caption.score = row.score;
    if ('missing' in m) {
      const w = typeof row.width === 'number' ? row.width : 320;
      const h = typeof row.height === 'number' ? row.height : 240;
      caption.invalid = m.missing;
      const g = MISSING_IMAGE_GREY;
      return { overlay: createImage(w, h, [g, g, g]), caption };
    }
    const base = await loadBaseImage(imagePathOf(this.run, row), m.width, m.height);
    caption.notes.push(...base.notes);
    if (rowState(row) === 'scored') caption.metrics = pickMetrics(row, m.metrics);
    else caption.invalid = row.invalid ?? 'not scored';
    return { overlay: composeOverlay(base.image, m, options), caption };
  }

  close(): void {
    this.cams?.close();
    this.cams = null;
  }
}

/** The metrics as the run recorded them (the re-scored ones are the same; the row is the record). */
function pickMetrics(row: InstanceRow, rescored: InstanceMetrics | null): InstanceMetrics | null {
  if (typeof row.pg_hit !== 'number') return rescored;
  return row as unknown as InstanceMetrics;
}

/** A panel for an instance the second run of a comparison does not have. */
export function absentPanel(like: FigurePanel, run: LoadedRun): FigurePanel {
  const g = MISSING_IMAGE_GREY;
  return {
    overlay: createImage(like.overlay.width, like.overlay.height, [g, g, g]),
    caption: { phrase: like.caption.phrase, id: like.caption.id, run: runCaption(run), metrics: null, invalid: 'this instance is not in this run', notes: [] },
  };
}

export interface RenderedFigure {
  file: string;
  figure: Figure;
  /** What the captions warn about (missing image, resized image), per panel. */
  notes: string[];
}

/** Composes `panels` side by side and writes them as a PNG to `file` (its folder is created). */
export async function writeFigure(panels: FigurePanel[], file: string, options: RenderOptions): Promise<RenderedFigure> {
  const figure = composeFigure(panels, await resolveTextEngine(options.text));
  const png = await encodeFigurePng(figure);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, png);
  return { file, figure, notes: panels.flatMap((p) => p.caption.notes) };
}

/**
 * Writes the overlay of `row` in `renderers[0]`, and with more renderers the same instance (joined by id)
 * in each of them side by side, to `file`.
 */
export async function renderInstance(renderers: readonly RunRenderer[], row: InstanceRow, file: string, options: RenderOptions): Promise<RenderedFigure> {
  const first = await renderers[0]!.panel(row, options);
  const panels = [first];
  for (const r of renderers.slice(1)) {
    const other = r.run.rows.find((x) => x.id === row.id);
    panels.push(other ? await r.panel(other, options) : absentPanel(first, r.run));
  }
  return writeFigure(panels, file, options);
}
