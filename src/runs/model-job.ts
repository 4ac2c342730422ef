// One model over a dataset: images decoded and preprocessed ahead of inference (libvips threads and
// the main thread) while the worker runs the graphs; the image graph once per image, the CAM graph per
// chunk of phrases; rows and grids appended batch by batch.
import type { CamEngine } from '../cam/engine.js';
import type { CamGrid } from '../cam/grid.js';
import type { MetricOptions } from '../metrics/options.js';
import { MetricsWorkspace } from '../metrics/score-instance.js';
import type { LoadedModel } from '../models/card.js';
import { preprocessImage, type Preprocessed } from '../models/preprocess.js';
import type { GraphRunner } from '../models/runner.js';
import type { EncodedPhrase, PhraseTokenizer } from '../models/tokenizer.js';
import { groupByImage, planBatches, type Batch, type DatasetInstance } from './dataset.js';
import { baseRow, errorRow, scoredRow, type RowContext } from './rows.js';
import type { InstanceRow } from './store.js';

export interface ModelJobOptions {
  model: LoadedModel;
  /** One runner per device; batches go to whichever is free. */
  runners: GraphRunner[];
  tokenizer: PhraseTokenizer;
  /** How the CAM method runs the graphs (attention-GradCAM, gScoreCAM). */
  engine: CamEngine;
  metrics: MetricOptions;
  batchSize: number;
  imagesPerBatch: number;
  rowContext: RowContext;
  /** Called once per batch with its rows and their grids (null where none is stored). */
  emit: (rows: InstanceRow[], grids: (CamGrid | null)[]) => void;
  signal: AbortSignal;
}

type Decoded = { ok: true; image: Preprocessed } | { ok: false; error: string };

async function decodeBatch(batch: Batch<DatasetInstance>, spec: LoadedModel['card']['image']): Promise<Decoded[]> {
  return Promise.all(
    batch.images.map(async (file): Promise<Decoded> => {
      try {
        return { ok: true, image: await preprocessImage(file, spec) };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const reason = e.code === 'ENOENT' || /no such file|Input file is missing/i.test(e.message) ? 'image file is missing' : `image unreadable (${e.message.split('\n')[0]})`;
        return { ok: false, error: `${reason}: ${file}` };
      }
    }),
  );
}

/**
 * Runs the model over `todo`; stops between batches when `signal` is aborted. Each runner works through
 * the shared list of batches, decoding its next batch while the current one is in its worker.
 */
export async function runModelJob(todo: DatasetInstance[], o: ModelJobOptions): Promise<void> {
  const { card } = o.model;
  const batches = planBatches(groupByImage(todo), o.batchSize, o.imagesPerBatch);
  let nextBatch = 0;
  const take = (): number | null => (nextBatch < batches.length && !o.signal.aborted ? nextBatch++ : null);
  await Promise.all(
    o.runners.map(async (runner) => {
      const ws = new MetricsWorkspace();
      let k = take();
      let decoding = k === null ? null : decodeBatch(batches[k]!, card.image);
      while (k !== null && decoding !== null) {
        const decoded = await decoding;
        const following = take();
        decoding = following === null ? null : decodeBatch(batches[following]!, card.image);
        await runBatch(batches[k]!, decoded, `batch-${k}`, runner, o, ws);
        k = following;
      }
    }),
  );
}

async function runBatch(batch: Batch<DatasetInstance>, decoded: Decoded[], key: string, runner: GraphRunner, o: ModelJobOptions, ws: MetricsWorkspace): Promise<void> {
  const rows: InstanceRow[] = [];
  const grids: (CamGrid | null)[] = [];
  const push = (row: InstanceRow, grid: CamGrid | null) => {
    rows.push(row);
    grids.push(grid);
  };

  // Images that decoded go to the graphs; the others turn their phrases into error rows.
  const slot = new Map<number, number>();
  const good: Preprocessed[] = [];
  decoded.forEach((d, i) => {
    if (d.ok) {
      slot.set(i, good.length);
      good.push(d.image);
    }
  });
  let prepared: string | null = null;
  if (good.length > 0) {
    try {
      await o.engine.prepare(runner, good, key);
    } catch (err) {
      prepared = `inference failed on the image graph: ${(err as Error).message.split('\n')[0]}`;
    }
  }

  for (const chunk of batch.chunks) {
    const ready: { inst: DatasetInstance; base: InstanceRow; image: number; enc: EncodedPhrase; size: { width: number; height: number } }[] = [];
    for (const [imageIdx, inst] of chunk) {
      const d = decoded[imageIdx]!;
      const size = d.ok ? { width: d.image.width, height: d.image.height } : null;
      const base = baseRow(inst, o.rowContext, size);
      if (!d.ok) {
        push(errorRow(base, d.error), null);
        continue;
      }
      if (prepared !== null) {
        push(errorRow(base, prepared), null);
        continue;
      }
      if ((inst.width !== undefined && inst.width !== d.image.width) || (inst.height !== undefined && inst.height !== d.image.height)) {
        push(errorRow(base, `the image is ${d.image.width}×${d.image.height} but the manifest says ${inst.width}×${inst.height}`), null);
        continue;
      }
      const enc = o.tokenizer.encode(inst.phrase);
      if (enc.words === 0) {
        push(errorRow(base, `the phrase tokenises to nothing after cleaning ("${inst.phrase}")`), null);
        continue;
      }
      ready.push({ inst, base, image: slot.get(imageIdx)!, enc, size: size! });
    }
    if (ready.length === 0) continue;
    const tokens = o.tokenizer.batch(ready.map((r) => r.enc));
    let out;
    try {
      out = await o.engine.infer(
        runner,
        tokens,
        ready.map((r) => r.image),
        key,
      );
    } catch (err) {
      for (const r of ready) push(errorRow(r.base, `inference failed: ${(err as Error).message.split('\n')[0]}`), null);
      continue;
    }
    ready.forEach((r, b) => {
      const grid = out.grids[b]!;
      const { row, store } = scoredRow(r.base, grid, r.inst.boxes, r.size.width, r.size.height, o.metrics, ws, { score: out.scores[b] });
      push(row, store ? grid : null);
    });
  }
  o.emit(rows, grids);
}
