// A figure: one or more panels side by side (an overlay with its caption below), laid out on a dark
// canvas. Captions are drawn either with the built-in bitmap font into the pixels (identical everywhere)
// or as SVG text that sharp composites later (smoother, needs a system font; see png.ts). Pure.
import { CELL_HEIGHT, CELL_WIDTH, drawText } from './bitmap-font.js';
import { CAPTION_COLORS, captionLines, type CaptionInfo, type CaptionLine } from './caption.js';
import { blit, createImage, type RgbImage } from './raster.js';

export type TextEngine = 'bitmap' | 'svg';

/** Narrower images get a panel this wide, so that captions stay readable. */
export const MIN_PANEL_WIDTH = 320;
export const PANEL_GAP = 8;
const MARGIN = 6;

export interface TextStyle {
  engine: TextEngine;
  /** Advance of one character and distance between baselines, in pixels. */
  cellWidth: number;
  lineHeight: number;
  /** Bitmap: pixels per font pixel. SVG: font size in pixels. */
  scale: number;
}

/** Caption text sized for panels `panelWidth` pixels wide. */
export function textStyle(engine: TextEngine, panelWidth: number): TextStyle {
  if (engine === 'bitmap') {
    const scale = Math.max(1, Math.floor(panelWidth / MIN_PANEL_WIDTH));
    return { engine, cellWidth: CELL_WIDTH * scale, lineHeight: (CELL_HEIGHT + 2) * scale, scale };
  }
  const size = Math.max(11, Math.round(panelWidth / 28));
  // DejaVu Sans Mono and most monospace fonts advance 0.6 em
  return { engine, cellWidth: size * 0.6, lineHeight: Math.round(size * 1.3), scale: size };
}

export interface FigurePanel {
  overlay: RgbImage;
  caption: CaptionInfo;
}

export interface PanelLayout {
  /** Left edge of the panel and its width. */
  x: number;
  width: number;
  /** Where the overlay's top-left pixel lies in the figure. */
  imageX: number;
  imageY: number;
  /** Top of the caption area. */
  captionY: number;
  lines: CaptionLine[];
}

export interface Figure {
  image: RgbImage;
  panels: PanelLayout[];
  style: TextStyle;
  /** SVG text to composite over `image` (engine 'svg'), else null. */
  svg: string | null;
}

const xmlEscape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function composeFigure(panels: readonly FigurePanel[], engine: TextEngine): Figure {
  const widths = panels.map((p) => Math.max(p.overlay.width, MIN_PANEL_WIDTH));
  const style = textStyle(engine, Math.min(...widths));
  const chars = (w: number) => Math.max(8, Math.floor((w - 2 * MARGIN) / style.cellWidth));
  let x = 0;
  const layouts: PanelLayout[] = panels.map((p, i) => {
    const width = widths[i]!;
    const layout: PanelLayout = {
      x,
      width,
      imageX: x + Math.floor((width - p.overlay.width) / 2),
      imageY: 0,
      captionY: p.overlay.height,
      lines: captionLines(p.caption, chars(width)),
    };
    x += width + PANEL_GAP;
    return layout;
  });
  const height = Math.max(...panels.map((p, i) => p.overlay.height + 2 * MARGIN + layouts[i]!.lines.length * style.lineHeight));
  const image = createImage(x - PANEL_GAP, height, CAPTION_COLORS.background);
  panels.forEach((p, i) => blit(image, p.overlay, layouts[i]!.imageX, layouts[i]!.imageY));
  let svg: string | null = null;
  if (engine === 'bitmap') {
    for (const l of layouts) {
      l.lines.forEach((line, k) => {
        let cx = l.x + MARGIN;
        for (const seg of line) {
          drawText(image, cx, l.captionY + MARGIN + k * style.lineHeight, seg.text, seg.color, style.scale);
          cx += seg.text.length * style.cellWidth;
        }
      });
    }
  } else {
    const texts: string[] = [];
    for (const l of layouts) {
      l.lines.forEach((line, k) => {
        const baseline = l.captionY + MARGIN + k * style.lineHeight + Math.round(style.scale * 0.95);
        const spans = line.map((s) => `<tspan fill="rgb(${s.color.join(',')})">${xmlEscape(s.text)}</tspan>`).join('');
        texts.push(`<text x="${l.x + MARGIN}" y="${baseline}" xml:space="preserve">${spans}</text>`);
      });
    }
    svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}" ` +
      `font-family="DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace" font-size="${style.scale}">` +
      texts.join('') +
      '</svg>';
  }
  return { image, panels: layouts, style, svg };
}
