// Step 1 of metrics.md: U = resize(G, H, W) with PyTorch's `align_corners=False` mapping.
// Separable: along x inside each grid row first, then along y (PyTorch's nesting: the last dimension is
// the inner sum), taps summed in order, all in float64. Taps and weights depend only on (in, out, mode),
// so they are computed once per size pair and cached.
import type { ResizeMode } from './options.js';

export type Grid = Float32Array | Float64Array;

/** Source coordinate of output index o (metrics.md §1): s = (o + 0.5) · (in / out) − 0.5. */
export function sourceCoordinate(o: number, inSize: number, outSize: number): number {
  return (o + 0.5) * (inSize / outSize) - 0.5;
}

/** Keys' cubic convolution kernel with PyTorch's a = −0.75 (metrics.md §1), at distance x. */
export function keysCubic(x: number): number {
  const a = -0.75;
  const d = Math.abs(x);
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

/** Per output index, `count` source indices (clamped to the border) and their weights. */
export interface AxisTaps {
  readonly count: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

/**
 * Taps of one axis, with PyTorch's own arithmetic (aten/src/ATen/native/UpSample.h) so that rounding
 * matches it as closely as possible: bicubic takes floor(s)−1 .. floor(s)+2 with t = s − floor(s) and
 * weights cubic2(t + 1), cubic1(t), cubic1(1 − t), cubic2(2 − t); bilinear clamps s to >= 0 first, then
 * takes floor(s) and the next index (the same one at the last index) with weights 1 − λ, λ. Where every
 * tap lands on one input index the weight is exactly 1.
 */
export function axisTaps(inSize: number, outSize: number, mode: 'bicubic' | 'bilinear'): AxisTaps {
  const count = mode === 'bicubic' ? 4 : 2;
  const index = new Int32Array(outSize * count);
  const weight = new Float64Array(outSize * count);
  const last = inSize - 1;
  const clamp = (i: number) => (i < 0 ? 0 : i > last ? last : i);
  for (let o = 0; o < outSize; o++) {
    const raw = sourceCoordinate(o, inSize, outSize);
    if (mode === 'bicubic') {
      const f = Math.floor(raw);
      const t = raw - f;
      for (let k = 0; k < 4; k++) index[o * 4 + k] = clamp(f + k - 1);
      weight[o * 4] = keysCubic(t + 1);
      weight[o * 4 + 1] = keysCubic(t);
      weight[o * 4 + 2] = keysCubic(1 - t);
      weight[o * 4 + 3] = keysCubic(2 - t);
    } else {
      const s = raw < 0 ? 0 : raw;
      const f = Math.floor(s);
      const lambda = s - f;
      index[o * 2] = clamp(f);
      index[o * 2 + 1] = clamp(f < last ? f + 1 : f);
      weight[o * 2] = 1 - lambda;
      weight[o * 2 + 1] = lambda;
    }
    // Every tap on the same (clamped) input index: the output is that input exactly, as in exact
    // arithmetic (the weights sum to 1 only up to rounding). A 1-wide axis, for one, stays constant.
    let same = true;
    for (let k = 1; k < count; k++) if (index[o * count + k] !== index[o * count]) same = false;
    if (same) {
      weight[o * count] = 1;
      for (let k = 1; k < count; k++) weight[o * count + k] = 0;
    }
  }
  return { count, index, weight };
}

/** PyTorch's legacy `mode='nearest'`, in exact integer arithmetic: src = min(floor(o · in / out), in − 1). */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const index = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) index[o] = Math.min(Math.floor((o * inSize) / outSize), inSize - 1);
  return index;
}

/** Caches taps per (mode, in, out); a scorer keeps one in its workspace. */
export class TapsCache {
  private readonly taps = new Map<string, AxisTaps>();
  private readonly nearest = new Map<string, Int32Array>();

  axis(inSize: number, outSize: number, mode: 'bicubic' | 'bilinear'): AxisTaps {
    const key = `${mode}:${inSize}:${outSize}`;
    let t = this.taps.get(key);
    if (t === undefined) {
      if (this.taps.size >= 64) this.taps.clear();
      t = axisTaps(inSize, outSize, mode);
      this.taps.set(key, t);
    }
    return t;
  }

  nearestAxis(inSize: number, outSize: number): Int32Array {
    const key = `${inSize}:${outSize}`;
    let t = this.nearest.get(key);
    if (t === undefined) {
      if (this.nearest.size >= 64) this.nearest.clear();
      t = nearestIndices(inSize, outSize);
      this.nearest.set(key, t);
    }
    return t;
  }
}

/** The value range of a resized map, tracked while it is written. */
export interface Range {
  min: number;
  max: number;
}

/**
 * Resizes the `gh × gw` grid (row-major) to `H × W` into `out` (length >= H·W) and returns min and max of
 * the result. `scratch` needs gh·W entries (the x-resized rows). A grid already H × W is copied as is.
 */
export function resizeInto(
  grid: Grid,
  gh: number,
  gw: number,
  H: number,
  W: number,
  mode: ResizeMode,
  out: Float64Array,
  scratch: Float64Array,
  cache: TapsCache = new TapsCache(),
): Range {
  let min = Infinity;
  let max = -Infinity;
  if (gh === H && gw === W) {
    for (let p = 0; p < H * W; p++) {
      const v = grid[p]!;
      out[p] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  }
  if (mode === 'nearest') {
    const rows = cache.nearestAxis(gh, H);
    const cols = cache.nearestAxis(gw, W);
    for (let oy = 0; oy < H; oy++) {
      const src = rows[oy]! * gw;
      const dst = oy * W;
      for (let ox = 0; ox < W; ox++) {
        const v = grid[src + cols[ox]!]!;
        out[dst + ox] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    return { min, max };
  }
  // x pass: every grid row resized to W columns, into scratch (gh × W)
  const tx = cache.axis(gw, W, mode);
  const { index: ix, weight: wx, count: n } = tx;
  for (let r = 0; r < gh; r++) {
    const src = r * gw;
    const dst = r * W;
    if (n === 4) {
      for (let ox = 0; ox < W; ox++) {
        const b = ox * 4;
        scratch[dst + ox] =
          wx[b]! * grid[src + ix[b]!]! +
          wx[b + 1]! * grid[src + ix[b + 1]!]! +
          wx[b + 2]! * grid[src + ix[b + 2]!]! +
          wx[b + 3]! * grid[src + ix[b + 3]!]!;
      }
    } else {
      for (let ox = 0; ox < W; ox++) {
        const b = ox * 2;
        scratch[dst + ox] = wx[b]! * grid[src + ix[b]!]! + wx[b + 1]! * grid[src + ix[b + 1]!]!;
      }
    }
  }
  // y pass: every output row from `n` scratch rows, tracking the range. Upsampled rows often share their
  // source rows with the next one: those pairs are computed together, loading the sources once.
  const ty = cache.axis(gh, H, mode);
  const { index: iy, weight: wy } = ty;
  for (let oy = 0; oy < H; oy++) {
    const dst = oy * W;
    const b = oy * n;
    if (n === 4) {
      const r0 = iy[b]! * W, r1 = iy[b + 1]! * W, r2 = iy[b + 2]! * W, r3 = iy[b + 3]! * W;
      const w0 = wy[b]!, w1 = wy[b + 1]!, w2 = wy[b + 2]!, w3 = wy[b + 3]!;
      if (oy + 1 < H && iy[b + 4]! * W === r0 && iy[b + 5]! * W === r1 && iy[b + 6]! * W === r2 && iy[b + 7]! * W === r3) {
        const v0 = wy[b + 4]!, v1 = wy[b + 5]!, v2 = wy[b + 6]!, v3 = wy[b + 7]!;
        const dst2 = dst + W;
        for (let ox = 0; ox < W; ox++) {
          const a0 = scratch[r0 + ox]!, a1 = scratch[r1 + ox]!, a2 = scratch[r2 + ox]!, a3 = scratch[r3 + ox]!;
          const v = w0 * a0 + w1 * a1 + w2 * a2 + w3 * a3;
          const x = v0 * a0 + v1 * a1 + v2 * a2 + v3 * a3;
          out[dst + ox] = v;
          out[dst2 + ox] = x;
          if (v < min) min = v;
          if (v > max) max = v;
          if (x < min) min = x;
          if (x > max) max = x;
        }
        oy++;
        continue;
      }
      for (let ox = 0; ox < W; ox++) {
        const v = w0 * scratch[r0 + ox]! + w1 * scratch[r1 + ox]! + w2 * scratch[r2 + ox]! + w3 * scratch[r3 + ox]!;
        out[dst + ox] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    } else {
      const r0 = iy[b]! * W, r1 = iy[b + 1]! * W;
      const w0 = wy[b]!, w1 = wy[b + 1]!;
      if (oy + 1 < H && iy[b + 2]! * W === r0 && iy[b + 3]! * W === r1) {
        const v0 = wy[b + 2]!, v1 = wy[b + 3]!;
        const dst2 = dst + W;
        for (let ox = 0; ox < W; ox++) {
          const a0 = scratch[r0 + ox]!, a1 = scratch[r1 + ox]!;
          const v = w0 * a0 + w1 * a1;
          const x = v0 * a0 + v1 * a1;
          out[dst + ox] = v;
          out[dst2 + ox] = x;
          if (v < min) min = v;
          if (v > max) max = v;
          if (x < min) min = x;
          if (x > max) max = x;
        }
        oy++;
        continue;
      }
      for (let ox = 0; ox < W; ox++) {
        const v = w0 * scratch[r0 + ox]! + w1 * scratch[r1 + ox]!;
        out[dst + ox] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
  }
  return { min, max };
}

/** Convenience form of resizeInto: a new H × W Float64Array. */
export function resize(grid: Grid, gh: number, gw: number, H: number, W: number, mode: ResizeMode): Float64Array {
  const out = new Float64Array(H * W);
  resizeInto(grid, gh, gw, H, W, mode, out, new Float64Array(gh * W));
  return out;
}
