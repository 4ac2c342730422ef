// The caption under an overlay: the phrase, the verdicts (PG hit or miss, uncertain), the scores, and
// which run and instance it is — as lines of coloured text segments, wrapped to a width in characters.
// Pure; caption-text.ts draws them.
import type { InstanceMetrics } from '../metrics/instance.js';
import type { Rgb } from './raster.js';

export interface CaptionSegment {
  text: string;
  color: Rgb;
}
export type CaptionLine = CaptionSegment[];

export const CAPTION_COLORS = {
  text: [235, 235, 235] as Rgb,
  dim: [150, 150, 150] as Rgb,
  hit: [90, 220, 110] as Rgb,
  miss: [250, 90, 90] as Rgb,
  warn: [245, 200, 70] as Rgb,
  background: [24, 24, 24] as Rgb,
};

export interface CaptionInfo {
  phrase: string;
  id: string;
  /** The run, e.g. `toy · attention-gradcam/all`. */
  run: string;
  metrics: InstanceMetrics | null;
  /** Why there are no metrics (invalid instance). */
  invalid?: string;
  /** The model's match score, when the run recorded one. */
  score?: number;
  /** Things the reader must know (missing image, resized image). */
  notes: string[];
}

/** Words of `text` in lines of at most `width` characters (a word longer than a line is cut). */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > w) {
      if (cur) lines.push(cur);
      cur = '';
      lines.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    if (!cur) cur = rest;
    else if (cur.length + 1 + rest.length <= w) cur += ' ' + rest;
    else {
      lines.push(cur);
      cur = rest;
    }
  }
  if (cur) lines.push(cur);
  return lines.length ? lines : [''];
}

/** At most `max` lines; the last one ends with '…'-like `...` when text was dropped. */
function clampLines(lines: string[], max: number, width: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = kept[max - 1]!.slice(0, Math.max(0, width - 3)) + '...';
  return kept;
}

const f3 = (v: number) => v.toFixed(3);

/** The caption's lines for a text area `width` characters wide. */
export function captionLines(info: CaptionInfo, width: number): CaptionLine[] {
  const c = CAPTION_COLORS;
  const lines: CaptionLine[] = [];
  for (const l of clampLines(wrapText(`"${info.phrase}"`, width), 3, width)) lines.push([{ text: l, color: c.text }]);
  const m = info.metrics;
  if (m) {
    const verdict: CaptionLine = [m.pg_hit ? { text: 'PG hit', color: c.hit } : { text: 'PG miss', color: c.miss }];
    if (m.pg_uncertain) verdict.push({ text: ' · uncertain', color: c.warn });
    verdict.push({ text: ` · peaks ${m.peaks}`, color: c.text });
    if (m.degenerate) verdict.push({ text: ' · constant map', color: c.warn });
    if (info.score !== undefined) verdict.push({ text: ` · score ${info.score.toPrecision(4)}`, color: c.dim });
    lines.push(verdict);
    lines.push([{ text: `IoU ${f3(m.iou_soft)} (bin ${f3(m.iou_bin)}) · Dice ${f3(m.dice_soft)} · IO ${f3(m.io_ratio)}`, color: c.text }]);
    lines.push([{ text: `WDP* ${f3(m.wdp_soft)} (bin ${f3(m.wdp_bin)})  *groundcam scale`, color: c.text }]);
  } else {
    for (const l of wrapText(`invalid: ${info.invalid ?? 'not scored'}`, width)) lines.push([{ text: l, color: c.warn }]);
  }
  for (const note of info.notes) for (const l of wrapText(note, width)) lines.push([{ text: l, color: c.warn }]);
  for (const l of clampLines(wrapText(`${info.run} · ${info.id}`, width), 2, width)) lines.push([{ text: l, color: c.dim }]);
  lines.push([{ text: '+ arg-max  o NMS peaks  [] box', color: c.dim }]);
  return lines.map((line) => truncateLine(line, width));
}

/** Cuts a line's segments to `width` characters in all. */
function truncateLine(line: CaptionLine, width: number): CaptionLine {
  const out: CaptionLine = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const text = s.text.slice(0, left);
    out.push({ text, color: s.color });
    left -= text.length;
  }
  return out;
}
