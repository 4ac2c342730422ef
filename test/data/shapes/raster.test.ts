import { describe, expect, it } from 'vitest';
import { insideOutline, shapeGeometry } from '../../../src/data/shapes/geometry.js';
import { Random } from '../../../src/data/shapes/random.js';
import { FULL_COVERAGE, paint, rasterise, sampleCoverage } from '../../../src/data/shapes/raster.js';
import { SHAPES, type ShapeKind } from '../../../src/data/shapes/vocabulary.js';

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Each shape restated from the README: a signed "how far inside" value (> 0 inside) written independently. */
function insideReference(shape: ShapeKind, cx: number, cy: number, e: number, x: number, y: number): number {
  const dx = x - cx;
  const dy = y - cy;
  switch (shape) {
    case 'circle':
      return e / 2 - Math.hypot(dx, dy);
    case 'square':
      return e / 2 - Math.max(Math.abs(dx), Math.abs(dy));
    case 'diamond':
      // |dx| / (0.39 e) + |dy| / (0.5 e) <= 1
      return 1 - Math.abs(dx) / (0.39 * e) - Math.abs(dy) / (0.5 * e);
    case 'triangle': {
      const h = (e * Math.sqrt(3)) / 2;
      const v = [
        [cx, cy - h / 2],
        [cx + e / 2, cy + h / 2],
        [cx - e / 2, cy + h / 2],
      ] as const;
      return polygonInside(v, x, y);
    }
    case 'star': {
      // Points at radius R = e / (2 cos 18deg), inner corners at 0.42 R, outline box centred on (cx, cy).
      const R = e / (2 * Math.cos(rad(18)));
      const sy = cy + (R * (1 - Math.sin(rad(54)))) / 2;
      const pts = Array.from({ length: 10 }, (_, k) => {
        const a = rad(-90 + 36 * k);
        const r = k % 2 === 0 ? R : 0.42 * R;
        return [cx + r * Math.cos(a), sy + r * Math.sin(a)] as const;
      });
      return polygonInside(pts, x, y);
    }
  }
}

/** Even-odd point in polygon, as +1 / -1 (no distance): enough away from edges. */
function polygonInside(v: readonly (readonly [number, number])[], x: number, y: number): number {
  let inside = false;
  for (let i = 0, j = v.length - 1; i < v.length; j = i++) {
    const [xi, yi] = v[i]!;
    const [xj, yj] = v[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 1 : -1;
}

function edgeDistance(shape: ShapeKind, cx: number, cy: number, e: number, x: number, y: number): number {
  // Distance to the outline, from the exact outline's half-planes (only used to skip near-edge points).
  const g = shapeGeometry(shape, cx, cy, e).outline;
  if (g.kind === 'circle') return Math.abs(Math.hypot(x - g.cx, y - g.cy) - g.r);
  let best = Infinity;
  for (const part of g.parts) for (const p of part) best = Math.min(best, Math.abs(p.nx * x + p.ny * y - p.c));
  return best;
}

function areaReference(shape: ShapeKind, e: number): number {
  switch (shape) {
    case 'circle':
      return (Math.PI * e * e) / 4;
    case 'square':
      return e * e;
    case 'diamond':
      return (0.78 * e * e) / 2;
    case 'triangle':
      return (Math.sqrt(3) / 4) * e * e;
    case 'star': {
      const R = e / (2 * Math.cos(rad(18)));
      return 10 * 0.5 * R * (0.42 * R) * Math.sin(rad(36));
    }
  }
}

describe('shape outlines', () => {
  it('agree with independently written shape formulas away from the edges', () => {
    const rng = new Random(21);
    let checked = 0;
    const wrong: string[] = [];
    for (const shape of SHAPES) {
      for (let trial = 0; trial < 20; trial++) {
        const e = rng.range(10, 120);
        const cx = rng.range(100, 200);
        const cy = rng.range(100, 200);
        for (let k = 0; k < 400; k++) {
          const x = cx + rng.range(-0.7, 0.7) * e;
          const y = cy + rng.range(-0.7, 0.7) * e;
          if (edgeDistance(shape, cx, cy, e, x, y) < 1e-6) continue;
          const want = insideReference(shape, cx, cy, e, x, y) > 0;
          if (insideOutline(shapeGeometry(shape, cx, cy, e).outline, x, y) !== want) wrong.push(`${shape} e=${e} (${x}, ${y})`);
          checked++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30_000);
  });

  it('have outline boxes of the stated extent: the larger side equals the extent', () => {
    for (const shape of SHAPES) {
      const [x0, y0, x1, y1] = shapeGeometry(shape, 50, 60, 40).bounds;
      expect(Math.max(x1 - x0, y1 - y0)).toBeCloseTo(40, 9);
      expect((x0 + x1) / 2).toBeCloseTo(50, 9);
      expect((y0 + y1) / 2).toBeCloseTo(60, 9);
    }
  });
});

describe('rasterise', () => {
  it('gives exactly the brute-force supersampled coverage of every pixel (the inside/outside shortcut is exact)', () => {
    const rng = new Random(99);
    const wrong: string[] = [];
    let pixels = 0;
    for (const shape of SHAPES) {
      for (let trial = 0; trial < 12; trial++) {
        const e = rng.range(6, 90);
        const g = shapeGeometry(shape, rng.range(60, 140), rng.range(60, 140), e);
        const cov = rasterise(g.outline, g.bounds, 200, 200);
        for (let i = Math.floor(g.bounds[1]) - 3; i < Math.ceil(g.bounds[3]) + 3; i++) {
          for (let j = Math.floor(g.bounds[0]) - 3; j < Math.ceil(g.bounds[2]) + 3; j++) {
            const r = i - cov.y0;
            const c = j - cov.x0;
            const got = r >= 0 && r < cov.h && c >= 0 && c < cov.w ? cov.counts[r * cov.w + c]! : 0;
            const want = sampleCoverage(g.outline, i, j);
            if (got !== want) wrong.push(`${shape} pixel (${i}, ${j}): ${got} instead of ${want}`);
            pixels++;
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(pixels).toBeGreaterThan(50_000);
  });

  it('covers the analytic area of each shape', () => {
    const rng = new Random(5);
    for (const shape of SHAPES) {
      for (const e of [20, 45, 110]) {
        const g = shapeGeometry(shape, rng.range(120, 130), rng.range(120, 130), e);
        const cov = rasterise(g.outline, g.bounds, 256, 256);
        const area = cov.counts.reduce((s, n) => s + n, 0) / FULL_COVERAGE;
        // Supersampling error grows with the perimeter, not the area: allow 1.5% plus 3 pixels.
        expect(Math.abs(area - areaReference(shape, e)), `${shape} e=${e}`).toBeLessThan(0.015 * areaReference(shape, e) + 3);
      }
    }
  });

  it('reports the tight box of the pixels it covers, inside the outline box rounded outwards', () => {
    const rng = new Random(8);
    for (const shape of SHAPES) {
      for (let trial = 0; trial < 10; trial++) {
        const g = shapeGeometry(shape, rng.range(50, 70), rng.range(50, 70), rng.range(8, 60));
        const cov = rasterise(g.outline, g.bounds, 128, 128);
        let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let r = 0; r < cov.h; r++) {
          for (let c = 0; c < cov.w; c++) {
            if (cov.counts[r * cov.w + c] === 0) continue;
            x0 = Math.min(x0, cov.x0 + c);
            y0 = Math.min(y0, cov.y0 + r);
            x1 = Math.max(x1, cov.x0 + c + 1);
            y1 = Math.max(y1, cov.y0 + r + 1);
          }
        }
        expect(cov.box).toEqual([x0, y0, x1, y1]);
        expect(x0).toBeGreaterThanOrEqual(Math.floor(g.bounds[0]));
        expect(y0).toBeGreaterThanOrEqual(Math.floor(g.bounds[1]));
        expect(x1).toBeLessThanOrEqual(Math.ceil(g.bounds[2]));
        expect(y1).toBeLessThanOrEqual(Math.ceil(g.bounds[3]));
      }
    }
  });

  it('clips to the image', () => {
    const g = shapeGeometry('square', 2, 3, 20);
    const cov = rasterise(g.outline, g.bounds, 10, 10);
    expect(cov.box).toEqual([0, 0, 10, 10]);
  });
});

describe('paint', () => {
  it('blends by coverage with exact rounding: full coverage gives the colour, none leaves the pixel', () => {
    const g = shapeGeometry('circle', 10, 10, 12);
    const cov = rasterise(g.outline, g.bounds, 20, 20);
    const rgb = new Uint8Array(20 * 20 * 3).fill(100);
    paint(rgb, 20, cov, [220, 30, 35]);
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 20; j++) {
        const r = i - cov.y0;
        const c = j - cov.x0;
        const n = r >= 0 && r < cov.h && c >= 0 && c < cov.w ? cov.counts[r * cov.w + c]! : 0;
        const p = (i * 20 + j) * 3;
        const want = [220, 30, 35].map((col) => Math.round((100 * (16 - n) + col * n) / 16));
        expect([rgb[p], rgb[p + 1], rgb[p + 2]], `pixel (${i}, ${j}) coverage ${n}`).toEqual(want);
      }
    }
    expect(rgb.slice((10 * 20 + 10) * 3, (10 * 20 + 10) * 3 + 3)).toEqual(new Uint8Array([220, 30, 35]));
  });
});
