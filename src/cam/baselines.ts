// Baselines that need no model (architecture.md, cam/): honest reference rows for every table.
import type { CamGrid } from './grid.js';

export type BaselineName = 'centre' | 'uniform' | 'random';

export interface BaselineOptions {
  /** Grid side; the grid is resized to the image like any model's. */
  grid: number;
  /** Standard deviation of the centre prior, as a fraction of the grid side. */
  sigma: number;
  seed: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { grid: 24, sigma: 0.25, seed: 0 };

/** A Gaussian centre prior: exp(-((x-c)² + (y-c)²) / 2σ²) over cell centres. */
export function centreGrid(n: number, sigma: number): CamGrid {
  const data = new Float32Array(n * n);
  const c = n / 2;
  const s = sigma * n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = j + 0.5 - c;
      const dy = i + 0.5 - c;
      data[i * n + j] = Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
    }
  }
  return { data, h: n, w: n };
}

/** A constant map: degenerate by definition (metrics.md step 2), so it scores pg_hit = 0 everywhere. */
export function uniformGrid(n: number): CamGrid {
  return { data: new Float32Array(n * n).fill(1), h: n, w: n };
}

/** FNV-1a hash of a string, for per-instance seeds that do not depend on run order or sharding. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform noise in [0, 1), seeded by (seed, instance id): the same map for an instance in any run. */
export function randomGrid(n: number, seed: number, instanceId: string): CamGrid {
  const next = mulberry32(hashString(`${seed}:${instanceId}`));
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = next();
  return { data, h: n, w: n };
}

export function baselineGrid(name: BaselineName, options: BaselineOptions, instanceId: string): CamGrid {
  switch (name) {
    case 'centre':
      return centreGrid(options.grid, options.sigma);
    case 'uniform':
      return uniformGrid(options.grid);
    case 'random':
      return randomGrid(options.grid, options.seed, instanceId);
  }
}
