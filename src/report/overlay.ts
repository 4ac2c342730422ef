// One instance's overlay: the heatmap A (exactly as the metrics saw it) blended over the image, the
// ground-truth boxes outlined, the NMS peaks circled and the arg-max p* crossed. Pure (RGB buffers in and out).
import type { Box } from '../data/manifest.js';
import { colormapLut, type ColormapName } from './colormap.js';
import { blendHeatmap, drawCross, drawRing, strokeBox, type Rgb, type RgbImage } from './raster.js';

export interface OverlayOptions {
  colormap: ColormapName;
  /** Weight of the heatmap colour: out = (1 − alpha)·image + alpha·colour. */
  alpha: number;
}

export const DEFAULT_OVERLAY_OPTIONS: Readonly<OverlayOptions> = Object.freeze({ colormap: 'viridis', alpha: 0.5 });

/** Marker colours: none of them can come out of blending an image with viridis (whose channels stay below 254). */
export const OVERLAY_COLORS = {
  box: [0, 255, 0] as Rgb,
  argmax: [255, 255, 255] as Rgb,
  peak: [255, 0, 255] as Rgb,
  outline: [0, 0, 0] as Rgb,
};

/** Marker sizes for a W × H image, so that they stay visible on large images and fit on small ones. */
export function markerSizes(width: number, height: number) {
  const s = Math.min(width, height);
  return {
    boxThickness: Math.max(2, Math.round(s / 160)),
    crossArm: Math.max(4, Math.round(s / 40)),
    crossHalf: Math.max(1, Math.round(s / 400)),
    ringRadius: Math.max(5, Math.round(s / 32)),
    ringThickness: Math.max(2, Math.round(s / 200)),
  };
}

export interface OverlayMarks {
  /** A, H × W, in [0, 1]. */
  map: ArrayLike<number>;
  boxes: readonly Box[];
  argmax: { x: number; y: number } | null;
  peaks: readonly { x: number; y: number }[];
}

/** The overlay of `marks` on `image` (which must have the map's size). */
export function composeOverlay(image: RgbImage, marks: OverlayMarks, options: OverlayOptions = DEFAULT_OVERLAY_OPTIONS): RgbImage {
  const out = blendHeatmap(image, marks.map, colormapLut(options.colormap), options.alpha);
  const z = markerSizes(image.width, image.height);
  for (const box of marks.boxes) strokeBox(out, box, z.boxThickness, OVERLAY_COLORS.box);
  for (const p of marks.peaks) drawRing(out, p.x, p.y, z.ringRadius, z.ringThickness, OVERLAY_COLORS.peak, OVERLAY_COLORS.outline);
  if (marks.argmax) drawCross(out, marks.argmax.x, marks.argmax.y, z.crossArm, z.crossHalf, OVERLAY_COLORS.argmax, OVERLAY_COLORS.outline);
  return out;
}
