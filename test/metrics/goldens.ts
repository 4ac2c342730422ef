// Loads the goldens written by test/reference/make_goldens.py (numpy reference and PyTorch).
import { readFileSync } from 'node:fs';
import type { Box } from '../../src/data/manifest.js';
import type { MetricOptions } from '../../src/metrics/options.js';

const dir = new URL('../goldens/metrics/', import.meta.url);

export interface GoldenCase {
  name: string;
  /** Values; NaN and ±Infinity are written as strings. */
  grid: (number | string)[][];
  dtype: 'float32' | 'float64';
  width: number;
  height: number;
  boxes: Box[];
  options: Partial<MetricOptions>;
  expected: Record<string, number | boolean | string>;
  details?: { argmax: [number, number]; peaks: [number, number, number][]; max_d: number };
}

export interface GoldenMap {
  grid: number[][];
  width: number;
  height: number;
  mode: 'bicubic' | 'bilinear' | 'nearest';
  u: number[][];
}

export function loadCases(): GoldenCase[] {
  return (JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: GoldenCase[] }).cases;
}

export function loadMaps(file: 'resize.json' | 'torch-resize.json'): GoldenMap[] {
  return (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { maps: GoldenMap[] }).maps;
}

/** The grid of a golden as the typed array the heatmap would arrive in. */
export function gridOf(c: { grid: (number | string)[][]; dtype?: string }): { grid: Float32Array | Float64Array; gh: number; gw: number } {
  const flat = c.grid.flat().map(Number);
  return {
    grid: c.dtype === 'float32' ? Float32Array.from(flat) : Float64Array.from(flat),
    gh: c.grid.length,
    gw: c.grid[0]!.length,
  };
}
