// A small dataset with heatmaps placed by hand, and runs over it (see ../helpers/make-run.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bumpGrid, writeData, writeRun, type TestInstance } from '../helpers/make-run.js';

/** A 160 × 120 horizontal gradient. */
export function gradientRgb(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = 3 * (y * width + x);
      rgb[k] = Math.round((255 * x) / (width - 1));
      rgb[k + 1] = 100;
      rgb[k + 2] = Math.round((255 * y) / (height - 1));
    }
  }
  return rgb;
}

export const BOX: [number, number, number, number] = [100, 60, 140, 100];

/**
 * Instances of run A: `miss` (the strongest bump at (40, 30), outside the box; a second peak inside it),
 * `hit` (one bump inside the box), `noimage` (as miss, image file missing), `outside` (box outside the
 * image: invalid), `failed` (an error row), then `filler-k` instances with IoU rising with k.
 */
export function scenarioInstances(fillers = 4): TestInstance[] {
  const W = 160;
  const H = 120;
  const two = bumpGrid(12, 16, [{ cx: 4, cy: 3, s: 1.2 }, { cx: 12, cy: 8, s: 1.2, h: 0.9 }]);
  const list: TestInstance[] = [
    { id: 'set/miss', phrase: 'the red square', width: W, height: H, boxes: [BOX], grid: two, rgb: gradientRgb(W, H), score: 1.5 },
    { id: 'set/hit', phrase: 'the blue circle', width: W, height: H, boxes: [BOX], grid: bumpGrid(12, 16, [{ cx: 12, cy: 8, s: 1.5 }]), score: 3.25 },
    { id: 'set/noimage', phrase: 'a missing picture', width: W, height: H, boxes: [BOX], grid: two, rgb: null },
    { id: 'set/outside', phrase: 'a box outside', width: W, height: H, boxes: [[200, 10, 240, 50]], grid: two },
    { id: 'set/failed', phrase: 'the model failed', width: W, height: H, boxes: [BOX], grid: null },
  ];
  for (let k = 0; k < fillers; k++) {
    list.push({ id: `set/filler-${k}`, phrase: `filler number ${k}`, width: W, height: H, boxes: [BOX], grid: bumpGrid(12, 16, [{ cx: 4 + 2 * k, cy: 3 + k, s: 2 }]), score: -k });
  }
  return list;
}

export interface Scenario {
  root: string;
  dataDir: string;
  a: string;
  b: string;
}

/** Writes the data and two runs: A (a model) and B (a baseline whose maps all peak inside the box). */
export async function makeScenario(fillers = 4): Promise<Scenario> {
  const root = mkdtempSync(path.join(tmpdir(), 'gc-report-'));
  const dataDir = path.join(root, 'data');
  const inst = scenarioInstances(fillers);
  await writeData(dataDir, inst);
  const a = writeRun(inst, { dataDir, runDir: path.join(root, 'runs', 'a') }).dir;
  const centred = inst.map((i) => (i.grid ? { ...i, grid: bumpGrid(12, 16, [{ cx: 12, cy: 8, s: 3 }]), score: undefined } : i));
  delete centred[0]!.score;
  const b = writeRun(centred, { dataDir, runDir: path.join(root, 'runs', 'b'), kind: 'baseline', method: 'centre' }).dir;
  return { root, dataDir, a, b };
}
