// Box conventions of the official dataset formats, converted to the manifest's `[x0, y0, x1, y1]` in
// continuous pixel coordinates (datasets.md, "The manifest"). Conversions are exact: nothing is
// clipped or rounded here (the metrics clip); callers report boxes that reach outside the image.
import type { Box } from './manifest.js';

/** COCO `[x, y, w, h]` (refer `instances.json`) → `[x, y, x + w, y + h]` (datasets.md, refcoco+). */
export function cocoBox(bbox: readonly number[]): Box {
  const [x, y, w, h] = bbox as [number, number, number, number];
  return [x, y, x + w, y + h];
}

/** Flickr30k Entities `xmin ymin xmax ymax`, 1-based inclusive pixel indices → `[xmin-1, ymin-1, xmax, ymax]` (datasets.md, flickr30k). */
export function flickrBox(xmin: number, ymin: number, xmax: number, ymax: number): Box {
  return [xmin - 1, ymin - 1, xmax, ymax];
}

/** SpatialSense `[y0, y1, x0, x1]` → `[x0, y0, x1, y1]` (datasets.md, spatialsense). */
export function spatialSenseBox(bbox: readonly number[]): Box {
  const [y0, y1, x0, x1] = bbox as [number, number, number, number];
  return [x0, y0, x1, y1];
}

/** The smallest box enclosing all `boxes` (flickr30k `--merge-boxes`, the paper's protocol). */
export function enclosingBox(boxes: readonly Box[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x0 = Math.min(x0, b[0]);
    y0 = Math.min(y0, b[1]);
    x1 = Math.max(x1, b[2]);
    y1 = Math.max(y1, b[3]);
  }
  return [x0, y0, x1, y1];
}

/** True when a well-formed box has x1 >= x0 and y1 >= y0 and four finite numbers. */
export function isWellFormedBox(b: readonly number[]): b is Box {
  return b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v)) && b[2]! >= b[0]! && b[3]! >= b[1]!;
}

/** True when the box reaches outside the `width × height` image by more than `tolerance` pixels. */
export function boxOutsideImage(b: Box, width: number, height: number, tolerance = 0): boolean {
  return b[0] < -tolerance || b[1] < -tolerance || b[2] > width + tolerance || b[3] > height + tolerance;
}
