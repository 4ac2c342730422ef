// Textured, low-saturation backgrounds: a smooth gradient plus one texture (noise, stripes, checker,
// blotches), always low contrast and far from the shapes' saturated colours. Pure arithmetic (+ - * / sqrt,
// floor, round) and literal direction vectors only, so pixels are identical on every machine.
import { Random } from './random.js';

export type RGB = [number, number, number];

export const BACKGROUND_KINDS = ['gradient', 'radial', 'noise', 'stripes', 'checker', 'blotches'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

/** Unit vectors at 0, 30, 45, 60, 90, 120, 135, 150 degrees (literals: no trigonometric functions). */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0.8660254037844387, 0.5],
  [0.7071067811865476, 0.7071067811865476],
  [0.5, 0.8660254037844387],
  [0, 1],
  [-0.5, 0.8660254037844387],
  [-0.7071067811865476, 0.7071067811865476],
  [-0.8660254037844387, 0.5],
];

/** Everything needed to paint a background; sampled by `sampleBackground`, painted by `paintBackground`. */
export interface BackgroundSpec {
  kind: BackgroundKind;
  /** Gradient end colours (muted). */
  from: RGB;
  to: RGB;
  /** Linear gradient direction, or the radial gradient's centre as fractions of width/height. */
  direction: readonly [number, number];
  centre: [number, number];
  /** Per-channel multipliers of the texture value (near 1: a faint tint). */
  tint: RGB;
  /** Texture amplitude in 8-bit levels, and its scale in pixels (stripe period, checker cell, blotch cell). */
  amplitude: number;
  scale: number;
  /** Offset of the texture pattern, pixels. */
  phase: [number, number];
  /** Per-pixel luminance noise amplitude in levels (uniform in [-noise, +noise]; 'noise' backgrounds only). */
  noise: number;
  /** Seed of the texture's own random values (noise, blotch grid). */
  seed: number;
}

/** A muted colour: a grey level with a small tint (saturation stays low). */
function mutedColor(rng: Random, lo: number, hi: number): RGB {
  const v = rng.range(lo, hi);
  return [v + rng.range(-8, 8), v + rng.range(-8, 8), v + rng.range(-8, 8)];
}

export function sampleBackground(rng: Random): BackgroundSpec {
  const kind = BACKGROUND_KINDS[rng.int(0, BACKGROUND_KINDS.length - 1)]!;
  const from = mutedColor(rng, 70, 215);
  const spread = kind === 'gradient' || kind === 'radial' ? rng.range(25, 60) : rng.range(0, 30);
  const lighter = from[0] + spread <= 225 && (from[0] - spread < 60 || rng.chance(0.5));
  const shift = lighter ? spread : -spread;
  const to: RGB = [from[0] + shift + rng.range(-5, 5), from[1] + shift + rng.range(-5, 5), from[2] + shift + rng.range(-5, 5)];
  const direction = DIRECTIONS[rng.int(0, DIRECTIONS.length - 1)]!;
  const centre: [number, number] = [rng.range(0.1, 0.9), rng.range(0.1, 0.9)];
  const tint: RGB = [rng.range(0.8, 1.2), rng.range(0.8, 1.2), rng.range(0.8, 1.2)];
  let amplitude = 0;
  let scale = 1;
  switch (kind) {
    case 'noise':
      amplitude = 0;
      break;
    case 'stripes':
      amplitude = rng.range(5, 12);
      scale = rng.range(10, 36);
      break;
    case 'checker':
      amplitude = rng.range(4, 10);
      scale = rng.int(16, 48);
      break;
    case 'blotches':
      amplitude = rng.range(10, 22);
      scale = rng.int(40, 110);
      break;
    default:
      break;
  }
  const phase: [number, number] = [rng.range(0, 100), rng.range(0, 100)];
  const noise = kind === 'noise' ? rng.int(4, 7) : 0;
  const seed = rng.nextU32();
  return { kind, from, to, direction, centre, tint, amplitude, scale, phase, noise, seed };
}

const smooth = (t: number): number => t * t * (3 - 2 * t);

/** Fills `tex` with the texture values in [-1, 1] of pixel row `i` (stripes, checker, blotches). */
function textureRow(spec: BackgroundSpec, grid: Float64Array | null, gw: number, i: number, tex: Float64Array): void {
  const width = tex.length;
  const py = i + 0.5 + spec.phase[1];
  switch (spec.kind) {
    case 'stripes': {
      const [dx, dy] = spec.direction;
      for (let j = 0; j < width; j++) {
        const t = ((j + 0.5 + spec.phase[0]) * dx + py * dy) / spec.scale;
        const v = (Math.abs(2 * (t - Math.floor(t)) - 1) - 0.5) * 4; // soft-edged square wave
        tex[j] = v < -1 ? -1 : v > 1 ? 1 : v;
      }
      return;
    }
    case 'checker': {
      const rowParity = Math.floor(py / spec.scale) % 2;
      for (let j = 0; j < width; j++) {
        tex[j] = (Math.floor((j + 0.5 + spec.phase[0]) / spec.scale) + rowParity) % 2 === 0 ? 1 : -1;
      }
      return;
    }
    case 'blotches': {
      // Value noise: random values on a coarse grid, smoothly interpolated.
      const g = grid!;
      const gy = (i + 0.5) / spec.scale;
      const iy = Math.floor(gy);
      const fy = smooth(gy - iy);
      const r0 = iy * gw;
      const r1 = r0 + gw;
      for (let j = 0; j < width; j++) {
        const gx = (j + 0.5) / spec.scale;
        const ix = Math.floor(gx);
        const fx = smooth(gx - ix);
        const a = g[r0 + ix]!;
        const b = g[r0 + ix + 1]!;
        const c = g[r1 + ix]!;
        const d = g[r1 + ix + 1]!;
        tex[j] = a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
      }
      return;
    }
    default:
      tex.fill(0);
  }
}

/** Paints the background into a new width x height RGB buffer. */
export function paintBackground(spec: BackgroundSpec, width: number, height: number): Uint8Array {
  // A clamped array rounds (half to even) and clamps to 0..255 on every store, exactly as the spec says.
  const rgb = new Uint8ClampedArray(width * height * 3);
  const rng = new Random(spec.seed);
  let grid: Float64Array | null = null;
  const gw = Math.floor(width / spec.scale) + 2;
  if (spec.kind === 'blotches') {
    const gh = Math.floor(height / spec.scale) + 2;
    grid = new Float64Array(gw * gh);
    for (let k = 0; k < grid.length; k++) grid[k] = rng.range(-1, 1);
  }
  // Gradient position t in [0, 1] of each pixel: linear along `direction` (a row part plus a column
  // part), or radial from `centre`.
  const [dx, dy] = spec.direction;
  const norm = Math.abs(dx) * width + Math.abs(dy) * height;
  const colT = new Float64Array(width);
  for (let j = 0; j < width; j++) colT[j] = ((j + 0.5 - width / 2) * dx) / norm;
  const rcx = spec.centre[0] * width;
  const rcy = spec.centre[1] * height;
  const farX = Math.max(rcx, width - rcx);
  const farY = Math.max(rcy, height - rcy);
  const rmax = Math.sqrt(farX * farX + farY * farY);
  const radial = spec.kind === 'radial';
  const [f0, f1, f2] = spec.from;
  const d0 = spec.to[0] - f0;
  const d1 = spec.to[1] - f1;
  const d2 = spec.to[2] - f2;
  const a0 = spec.amplitude * spec.tint[0];
  const a1 = spec.amplitude * spec.tint[1];
  const a2 = spec.amplitude * spec.tint[2];
  const tRow = new Float64Array(width); // t of each pixel of the current row
  const tex = new Float64Array(width); // texture value of each pixel of the current row
  const noise = new Float64Array(width); // noise of each pixel of the current row
  const noiseSpan = 2 * spec.noise + 1;
  let p = 0;
  for (let i = 0; i < height; i++) {
    const y = i + 0.5;
    if (radial) {
      const ey = y - rcy;
      for (let j = 0; j < width; j++) {
        const ex = j + 0.5 - rcx;
        tRow[j] = Math.sqrt(ex * ex + ey * ey) / rmax;
      }
    } else {
      const rowT = 0.5 + ((y - height / 2) * dy) / norm;
      for (let j = 0; j < width; j++) tRow[j] = rowT + colT[j]!;
    }
    textureRow(spec, grid, gw, i, tex);
    if (spec.noise > 0) for (let j = 0; j < width; j++) noise[j] = (rng.nextU32() % noiseSpan) - spec.noise;
    for (let j = 0; j < width; j++, p += 3) {
      const t = tRow[j]!;
      const v = tex[j]!;
      const n = noise[j]!;
      rgb[p] = f0 + d0 * t + a0 * v + n;
      rgb[p + 1] = f1 + d1 * t + a1 * v + n;
      rgb[p + 2] = f2 + d2 * t + a2 * v + n;
    }
  }
  return new Uint8Array(rgb.buffer);
}
