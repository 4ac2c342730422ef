// A model-free baseline over a dataset: no pixels needed, only each image's size (from the manifest,
// else the image header).
import { baselineGrid, type BaselineName, type BaselineOptions } from '../cam/baselines.js';
import type { CamGrid } from '../cam/grid.js';
import type { MetricOptions } from '../metrics/options.js';
import { MetricsWorkspace } from '../metrics/score-instance.js';
import { readImageSize } from '../models/preprocess.js';
import type { DatasetInstance } from './dataset.js';
import { baseRow, errorRow, scoredRow, type RowContext } from './rows.js';
import type { InstanceRow } from './store.js';

export interface BaselineJobOptions {
  name: BaselineName;
  baseline: BaselineOptions;
  metrics: MetricOptions;
  rowContext: RowContext;
  batchSize: number;
  emit: (rows: InstanceRow[], grids: (CamGrid | null)[]) => void;
  signal: AbortSignal;
}

export async function runBaselineJob(todo: DatasetInstance[], o: BaselineJobOptions): Promise<void> {
  const ws = new MetricsWorkspace();
  const sizes = new Map<string, Promise<{ width: number; height: number } | Error>>();
  const sizeOf = (inst: DatasetInstance) => {
    if (inst.width !== undefined && inst.height !== undefined) return Promise.resolve({ width: inst.width, height: inst.height });
    let p = sizes.get(inst.imagePath);
    if (!p) {
      p = readImageSize(inst.imagePath).catch((err: Error) => err);
      sizes.set(inst.imagePath, p);
    }
    return p;
  };
  for (let k = 0; k < todo.length && !o.signal.aborted; k += o.batchSize) {
    const rows: InstanceRow[] = [];
    const grids: (CamGrid | null)[] = [];
    for (const inst of todo.slice(k, k + o.batchSize)) {
      const size = await sizeOf(inst);
      if (size instanceof Error) {
        rows.push(errorRow(baseRow(inst, o.rowContext, null), `the manifest gives no width/height and the image size cannot be read (${size.message.split('\n')[0]}): ${inst.imagePath}`));
        grids.push(null);
        continue;
      }
      const grid = baselineGrid(o.name, o.baseline, inst.id);
      const { row, store } = scoredRow(baseRow(inst, o.rowContext, size), grid, inst.boxes, size.width, size.height, o.metrics, ws);
      rows.push(row);
      grids.push(store ? grid : null);
    }
    o.emit(rows, grids);
    // Let the UI draw between batches.
    await new Promise((r) => setImmediate(r));
  }
}
