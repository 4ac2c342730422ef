// Image checks of the overlays: decode the PNG with sharp and look at the pixels where the box, the
// arg-max and the NMS peaks must be, the blend of heatmap and image elsewhere, and the caption strip.
import { rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTION_COLORS } from '../../src/report/caption.js';
import { colormapLut, lutIndex } from '../../src/report/colormap.js';
import { MIN_PANEL_WIDTH, PANEL_GAP } from '../../src/report/figure.js';
import { markerSizes, OVERLAY_COLORS } from '../../src/report/overlay.js';
import { svgTextRenders } from '../../src/report/png.js';
import { DEFAULT_RENDER_OPTIONS, renderInstance, RunRenderer } from '../../src/report/render-instance.js';
import { instanceMap } from '../../src/runs/instance-map.js';
import { loadRun, type LoadedRun } from '../../src/runs/load-run.js';
import { CamReader, type InstanceRow } from '../../src/runs/store.js';
import { gradientRgb, makeScenario, type Scenario } from './scenario.js';

async function decode(file: string) {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const k = info.channels * (y * info.width + x);
    return [data[k], data[k + 1], data[k + 2]];
  };
  return { info, at };
}

describe('render overlays', () => {
  let s: Scenario;
  let a: LoadedRun;
  let b: LoadedRun;
  const row = (run: LoadedRun, id: string) => run.rows.find((r) => r.id === id)!;
  beforeAll(async () => {
    s = await makeScenario();
    a = await loadRun(s.a);
    b = await loadRun(s.b);
  });
  afterAll(() => rmSync(s.root, { recursive: true, force: true }));

  async function render(runs: LoadedRun[], r: InstanceRow, name: string, text: 'bitmap' | 'svg' = 'bitmap', colormap: 'viridis' | 'jet' = 'viridis') {
    const renderers = runs.map((x) => new RunRenderer(x));
    try {
      const file = path.join(s.root, 'out', name);
      const { figure } = await renderInstance(renderers, r, file, { ...DEFAULT_RENDER_OPTIONS, text, colormap });
      return { ...(await decode(file)), figure };
    } finally {
      renderers.forEach((x) => x.close());
    }
  }

  it('draws the box, the arg-max, the NMS peaks and the heatmap blended over the image', async () => {
    const r = row(a, 'set/miss');
    const { info, at, figure } = await render([a], r, 'miss.png');
    // a 160 × 120 image gets a 320-pixel panel, centred, with the caption below
    const panel = figure.panels[0]!;
    expect(info.channels).toBe(3);
    expect(info.width).toBe(MIN_PANEL_WIDTH);
    expect(info.height).toBe(120 + 2 * 6 + panel.lines.length * figure.style.lineHeight);
    const ox = panel.imageX;
    expect(ox).toBe(80);
    const px = (x: number, y: number) => at(ox + x, y);
    const z = markerSizes(160, 120);

    // box [100, 60, 140, 100]: covers columns 100..139, rows 60..99; a frame z.boxThickness wide inside it
    for (const [x, y] of [[100, 80], [100 + z.boxThickness - 1, 80], [139, 80], [120, 60], [120, 99], [100, 60], [139, 99]] as const) {
      expect(px(x, y), `box pixel (${x}, ${y})`).toEqual([...OVERLAY_COLORS.box]);
    }
    for (const [x, y] of [[99, 80], [100 + z.boxThickness, 80], [140, 80], [120, 59], [120, 100]] as const) {
      expect(px(x, y), `not a box pixel (${x}, ${y})`).not.toEqual([...OVERLAY_COLORS.box]);
    }

    // arg-max p* = (39, 30) as recorded by the metrics: a white + with a black outline
    expect(r.argmax).toEqual([39, 30]);
    expect(px(39, 30)).toEqual([...OVERLAY_COLORS.argmax]);
    expect(px(39 + z.crossArm, 30)).toEqual([...OVERLAY_COLORS.argmax]);
    expect(px(39, 30 - z.crossArm)).toEqual([...OVERLAY_COLORS.argmax]);
    expect(px(39 + z.crossArm + 1, 30)).toEqual([...OVERLAY_COLORS.outline]);

    // the second NMS peak (119, 79) is circled: ring pixels at distance ringRadius, its centre left alone
    expect(r.peak_points).toEqual([[39, 29], [119, 79]]);
    for (const [x, y] of [[119 + z.ringRadius, 79], [119 - z.ringRadius, 79], [119, 79 - z.ringRadius], [119, 79 + z.ringRadius]] as const) {
      expect(px(x, y), `ring pixel (${x}, ${y})`).toEqual([...OVERLAY_COLORS.peak]);
    }
    expect(px(119, 79)).not.toEqual([...OVERLAY_COLORS.peak]);

    // elsewhere: out = round(0.5 · image + 0.5 · viridis(A)), with A as the metrics computed it
    const cams = new CamReader(a.dir);
    const m = instanceMap(a, r, cams);
    cams.close();
    if ('missing' in m) throw new Error(m.missing);
    const lut = colormapLut('viridis');
    const img = gradientRgb(160, 120);
    for (const [x, y] of [[5, 110], [70, 10], [150, 5], [60, 60]] as const) {
      const k = 3 * lutIndex(m.map[y * 160 + x]!);
      const expected = [0, 1, 2].map((c) => Math.round(0.5 * img[3 * (y * 160 + x) + c]! + 0.5 * lut[k + c]!));
      expect(px(x, y), `blend at (${x}, ${y})`).toEqual(expected);
    }

    // the caption strip: dark background, the phrase in the text colour, "PG miss" in red (bitmap font: exact colours)
    const caption = { top: 120, colors: new Set<string>() };
    for (let y = caption.top; y < info.height; y++) for (let x = 0; x < info.width; x++) caption.colors.add(at(x, y).join(','));
    expect(caption.colors).toContain(CAPTION_COLORS.background.join(','));
    expect(caption.colors).toContain(CAPTION_COLORS.text.join(','));
    expect(caption.colors).toContain(CAPTION_COLORS.miss.join(','));
    expect(caption.colors).not.toContain(CAPTION_COLORS.hit.join(','));
    expect(panel.lines[0]!.map((seg) => seg.text).join('')).toBe('"the red square"');
    expect(panel.lines[1]!.map((seg) => seg.text).join('')).toBe('PG miss · peaks 2 · score 1.500');
    // the margins left and right of the image are background
    expect(at(10, 10)).toEqual([...CAPTION_COLORS.background]);
  });

  it('draws a missing image as grey, says so, and shows a hit in green', async () => {
    const r = row(a, 'set/noimage');
    const { at, figure } = await render([a], r, 'noimage.png');
    const lut = colormapLut('viridis');
    const cams = new CamReader(a.dir);
    const m = instanceMap(a, r, cams);
    cams.close();
    if ('missing' in m) throw new Error(m.missing);
    const k = 3 * lutIndex(m.map[110 * 160 + 5]!);
    expect(at(80 + 5, 110)).toEqual([0, 1, 2].map((c) => Math.round(0.5 * 128 + 0.5 * lut[k + c]!)));
    const text = figure.panels[0]!.lines.map((l) => l.map((seg) => seg.text).join('')).join('\n');
    expect(text).toContain('image not found');
    const hit = await render([a], row(a, 'set/hit'), 'hit.png');
    expect(hit.figure.panels[0]!.lines[1]![0]).toEqual({ text: 'PG hit', color: CAPTION_COLORS.hit });
  });

  it('puts two runs side by side for the same instance, and explains rows that cannot be drawn', async () => {
    const { info, at, figure } = await render([a, b], row(a, 'set/miss'), 'compare.png', 'svg', 'jet');
    expect(info.width).toBe(2 * MIN_PANEL_WIDTH + PANEL_GAP);
    expect(figure.style.engine).toBe('svg');
    const [pa, pb] = figure.panels;
    expect(pb!.x).toBe(MIN_PANEL_WIDTH + PANEL_GAP);
    // B (the centre baseline) peaks at (119, 79) inside the box: its cross is there, its box too
    expect(row(b, 'set/miss').argmax).toEqual([119, 79]);
    expect(at(pb!.imageX + 119, 79)).toEqual([...OVERLAY_COLORS.argmax]);
    expect(at(pb!.imageX + 100, 80)).toEqual([...OVERLAY_COLORS.box]);
    expect(at(pa!.imageX + 39, 30)).toEqual([...OVERLAY_COLORS.argmax]);
    const captionB = pb!.lines.map((l) => l.map((seg) => seg.text).join('')).join('\n');
    expect(captionB).toContain('centre baseline · set/miss');
    expect(captionB).toContain('PG hit');
    // caption text was drawn (SVG text is anti-aliased: count bright pixels below the image), where a font is installed
    let bright = 0;
    for (let y = 121; y < info.height; y++) for (let x = 0; x < info.width; x++) if (at(x, y).every((v) => v! > 180)) bright++;
    if (await svgTextRenders()) expect(bright).toBeGreaterThan(50);
    else expect(bright).toBe(0);

    const invalid = await render([a], row(a, 'set/outside'), 'outside.png');
    expect(invalid.figure.panels[0]!.lines.map((l) => l.map((x) => x.text).join('')).join(' ')).toContain('invalid: every box is outside the image');
    const failed = await render([a], row(a, 'set/failed'), 'failed.png');
    expect(failed.figure.panels[0]!.lines.map((l) => l.map((x) => x.text).join('')).join(' ')).toContain('not scored: the model failed');
  });
});
