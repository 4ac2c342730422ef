// Shape outlines in continuous pixel coordinates (x right, y down; pixel (i, j) covers [j, j+1] x [i, i+1]).
// A polygonal shape is a union of convex parts, each stored as outward half-planes, so the rasteriser can
// test points exactly and bound distances cheaply. Only exact IEEE arithmetic and sqrt are used (trigonometric
// values are literals), so outlines are bit-identical on every machine.
import type { ShapeKind } from './vocabulary.js';

/** One edge line of a convex polygon: h(x, y) = nx*x + ny*y - c is the signed distance, positive outside. */
export interface HalfPlane {
  nx: number;
  ny: number;
  c: number;
}

export type Outline =
  | { kind: 'circle'; cx: number; cy: number; r: number }
  | { kind: 'polygons'; parts: HalfPlane[][] };

/** `[x0, y0, x1, y1]` of the exact outline (continuous coordinates). */
export type Bounds = [number, number, number, number];

export interface ShapeGeometry {
  outline: Outline;
  bounds: Bounds;
}

const COS18 = 0.9510565162951535;
const SIN18 = 0.3090169943749474;
const COS54 = 0.5877852522924731;
const SIN54 = 0.8090169943749475;
/** Unit vectors at -90 + 36k degrees, k = 0..9 (even k: the star's points, odd k: its inner corners). */
const STAR_DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, -1],
  [COS54, -SIN54],
  [COS18, -SIN18],
  [COS18, SIN18],
  [COS54, SIN54],
  [0, 1],
  [-COS54, SIN54],
  [-COS18, SIN18],
  [-COS18, -SIN18],
  [-COS54, -SIN54],
];
/** Inner-corner radius of the star as a fraction of its point radius (a regular pentagram has 0.382). */
const STAR_INNER = 0.42;
/** A diamond is this wide for a height of 1. */
const DIAMOND_ASPECT = 0.78;

type Point = readonly [number, number];

/** The outward half-planes of a convex polygon given by its vertices (either orientation). */
export function convexPart(vertices: readonly Point[]): HalfPlane[] {
  let gx = 0;
  let gy = 0;
  for (const [x, y] of vertices) {
    gx += x;
    gy += y;
  }
  gx /= vertices.length;
  gy /= vertices.length;
  const planes: HalfPlane[] = [];
  for (let k = 0; k < vertices.length; k++) {
    const [ax, ay] = vertices[k]!;
    const [bx, by] = vertices[(k + 1) % vertices.length]!;
    const len = Math.sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    let nx = (by - ay) / len;
    let ny = -(bx - ax) / len;
    if (nx * (gx - ax) + ny * (gy - ay) > 0) {
      nx = -nx;
      ny = -ny;
    }
    planes.push({ nx, ny, c: nx * ax + ny * ay });
  }
  return planes;
}

/**
 * The outline of a shape whose outline box is centred on (cx, cy) and whose larger side is `extent`.
 * Circle: diameter = extent. Square: side = extent. Triangle: equilateral, pointing up, width = extent.
 * Diamond: height = extent, width = 0.78 extent. Star: five points, pointing up, width = extent.
 */
export function shapeGeometry(shape: ShapeKind, cx: number, cy: number, extent: number): ShapeGeometry {
  const e = extent;
  const half = e / 2;
  switch (shape) {
    case 'circle':
      return { outline: { kind: 'circle', cx, cy, r: half }, bounds: [cx - half, cy - half, cx + half, cy + half] };
    case 'square': {
      const v: Point[] = [
        [cx - half, cy - half],
        [cx + half, cy - half],
        [cx + half, cy + half],
        [cx - half, cy + half],
      ];
      return { outline: { kind: 'polygons', parts: [convexPart(v)] }, bounds: [cx - half, cy - half, cx + half, cy + half] };
    }
    case 'triangle': {
      const h = (e * Math.sqrt(3)) / 2;
      const v: Point[] = [
        [cx, cy - h / 2],
        [cx + half, cy + h / 2],
        [cx - half, cy + h / 2],
      ];
      return { outline: { kind: 'polygons', parts: [convexPart(v)] }, bounds: [cx - half, cy - h / 2, cx + half, cy + h / 2] };
    }
    case 'diamond': {
      const w = (e * DIAMOND_ASPECT) / 2;
      const v: Point[] = [
        [cx, cy - half],
        [cx + w, cy],
        [cx, cy + half],
        [cx - w, cy],
      ];
      return { outline: { kind: 'polygons', parts: [convexPart(v)] }, bounds: [cx - w, cy - half, cx + w, cy + half] };
    }
    case 'star': {
      const R = e / (2 * COS18);
      const r = R * STAR_INNER;
      // The star's own centre sits below the outline box's centre: its top is at -R, its bottom at +R sin54.
      const sy = cy + (R * (1 - SIN54)) / 2;
      const pts: Point[] = STAR_DIRECTIONS.map(([dx, dy], k) => {
        const rad = k % 2 === 0 ? R : r;
        return [cx + dx * rad, sy + dy * rad] as const;
      });
      const inner = pts.filter((_, k) => k % 2 === 1);
      const parts = [convexPart(inner)];
      for (let k = 0; k < 10; k += 2) parts.push(convexPart([pts[(k + 9) % 10]!, pts[k]!, pts[k + 1]!]));
      return { outline: { kind: 'polygons', parts }, bounds: [cx - R * COS18, sy - R, cx + R * COS18, sy + R * SIN54] };
    }
  }
}

/** Whether the point (x, y) is inside the outline (boundary included). */
export function insideOutline(o: Outline, x: number, y: number): boolean {
  if (o.kind === 'circle') {
    const dx = x - o.cx;
    const dy = y - o.cy;
    return dx * dx + dy * dy <= o.r * o.r;
  }
  for (const part of o.parts) {
    let inside = true;
    for (const p of part) {
      if (p.nx * x + p.ny * y - p.c > 0) {
        inside = false;
        break;
      }
    }
    if (inside) return true;
  }
  return false;
}

/**
 * A bound on where (x, y) lies relative to the outline: -1 if every point within `radius` of it is inside,
 * +1 if every such point is outside, 0 if it may be near an edge.
 */
export function classifyDisc(o: Outline, x: number, y: number, radius: number): -1 | 0 | 1 {
  if (o.kind === 'circle') {
    const dx = x - o.cx;
    const dy = y - o.cy;
    const d = Math.sqrt(dx * dx + dy * dy) - o.r;
    return d <= -radius ? -1 : d >= radius ? 1 : 0;
  }
  let allOutside = true;
  for (const part of o.parts) {
    let worst = -Infinity;
    for (const p of part) {
      const h = p.nx * x + p.ny * y - p.c;
      if (h > worst) worst = h;
    }
    if (worst <= -radius) return -1;
    if (worst < radius) allOutside = false;
  }
  return allOutside ? 1 : 0;
}
