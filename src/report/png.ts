// The sharp side of overlays: reading the instance's image (or a grey stand-in), finding out whether SVG
// text renders on this machine, and encoding a figure as PNG.
import { existsSync } from 'node:fs';
import { decodeImage, loadSharp } from '../models/preprocess.js';
import type { Figure, TextEngine } from './figure.js';
import { createImage, type RgbImage } from './raster.js';

export const TEXT_ENGINES = ['auto', 'svg', 'bitmap'] as const;
export type TextEngineChoice = (typeof TEXT_ENGINES)[number];

/** The grey of the canvas that stands in for a missing image. */
export const MISSING_IMAGE_GREY = 128;

export interface BaseImage {
  image: RgbImage;
  /** Said in the caption: the image is missing, or was resized to the recorded size. */
  notes: string[];
}

/**
 * The image an overlay is drawn on, at the W × H the metrics used: the file decoded (resized to W × H if
 * it differs from the recorded size, with a note), or a grey canvas of that size when it cannot be read.
 */
export async function loadBaseImage(file: string | null, width: number, height: number): Promise<BaseImage> {
  const grey = (why: string): BaseImage => ({
    image: createImage(width, height, [MISSING_IMAGE_GREY, MISSING_IMAGE_GREY, MISSING_IMAGE_GREY]),
    notes: [`${why}: heatmap drawn on grey`],
  });
  if (!file) return grey('no image path');
  if (!existsSync(file)) return grey(`image not found: ${file}`);
  try {
    const img = await decodeImage(file);
    if (img.width === width && img.height === height) return { image: { width, height, data: img.rgb }, notes: [] };
    const sharp = await loadSharp();
    const data = await sharp(Buffer.from(img.rgb), { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
    return { image: { width, height, data: new Uint8Array(data) }, notes: [`image is ${img.width}x${img.height}, resized to the recorded ${width}x${height}`] };
  } catch (err) {
    return grey(`cannot read ${file} (${(err as Error).message.split('\n')[0]})`);
  }
}

let svgProbe: Promise<boolean> | undefined;

/** Whether SVG text comes out as ink here (librsvg finds a font); tested once per process. */
export function svgTextRenders(): Promise<boolean> {
  svgProbe ??= (async () => {
    try {
      const sharp = await loadSharp();
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="24"><rect width="60" height="24" fill="#000"/><text x="2" y="18" font-family="monospace" font-size="16" fill="#fff">Hg8</text></svg>';
      const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let ink = 0;
      for (let p = 0; p < info.width * info.height; p++) if (data[p * info.channels]! > 128) ink++;
      return ink >= 20;
    } catch {
      return false;
    }
  })();
  return svgProbe;
}

/** 'auto' is SVG text when it renders here, else the bitmap font. */
export async function resolveTextEngine(choice: TextEngineChoice): Promise<TextEngine> {
  if (choice !== 'auto') return choice;
  return (await svgTextRenders()) ? 'svg' : 'bitmap';
}

/** The figure as PNG bytes (its SVG captions composited over the pixels). */
export async function encodeFigurePng(figure: Figure): Promise<Buffer> {
  const sharp = await loadSharp();
  const { image } = figure;
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  let pixels = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  if (figure.svg) {
    // compositing adds an alpha channel: take the RGB back out before encoding
    const { data, info } = await sharp(pixels, { raw })
      .composite([{ input: Buffer.from(figure.svg), top: 0, left: 0 }])
      .raw()
      .toBuffer({ resolveWithObject: true });
    pixels = info.channels === 3 ? data : await sharp(data, { raw: { ...raw, channels: info.channels } }).removeAlpha().raw().toBuffer();
  }
  return sharp(pixels, { raw }).png().toBuffer();
}
