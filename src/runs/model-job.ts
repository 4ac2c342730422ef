// One model over a dataset: images decoded and preprocessed ahead of inference (libvips threads and
// the main thread) while the worker runs the graphs; the image graph once per image, the CAM graph per
// chunk of phrases; rows and grids appended batch by batch.
import { reduceTokens, type TokenRule } from '../cam/attention-gradcam.js';
import type { CamGrid } from '../cam/grid.js';
import type { MetricOptions } from '../metrics/options.js';
import { MetricsWorkspace } from '../metrics/score-instance.js';
import type { LoadedModel } from '../models/card.js';
import { preprocessImage, type Preprocessed } from '../models/preprocess.js';
import type { GraphRunner } from '../models/runner.js';
import { f32, i64 } from '../models/tensor.js';
import type { EncodedPhrase, PhraseTokenizer } from '../models/tokenizer.js';
import { groupByImage, planBatches, type Batch, type DatasetInstance } from './dataset.js';
import { baseRow, errorRow, scoredRow, type RowContext } from './rows.js';
import type { InstanceRow } from './store.js';

export interface ModelJobOptions {
  model: LoadedModel;
  /** One runner per device; batches go to whichever is free. */
  runners: GraphRunner[];
  tokenizer: PhraseTokenizer;
  tokens: TokenRule;
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
  const { card } = o.model;
  const [H, W] = card.image.size;
  const rows: InstanceRow[] = [];
  const grids: (CamGrid | null)[] = [];
  const push = (row: InstanceRow, grid: CamGrid | null) => {
    rows.push(row);
    grids.push(grid);
  };

  // Images that decoded become rows of the pixel tensor; the others turn their phrases into error rows.
  const slot = new Map<number, number>();
  const good: Preprocessed[] = [];
  decoded.forEach((d, i) => {
    if (d.ok) {
      slot.set(i, good.length);
      good.push(d.image);
    }
  });
  const sizeOf = (i: number) => (decoded[i]!.ok ? { width: (decoded[i] as { image: Preprocessed }).image.width, height: (decoded[i] as { image: Preprocessed }).image.height } : null);
  if (good.length > 0) {
    const pixels = new Float32Array(good.length * 3 * H * W);
    good.forEach((g, i) => pixels.set(g.pixels, i * 3 * H * W));
    await runner.image(key, { pixel_values: f32(pixels, [good.length, 3, H, W]) });
  }

  for (const chunk of batch.chunks) {
    const ready: { inst: DatasetInstance; base: InstanceRow; image: number; enc: EncodedPhrase; size: { width: number; height: number } }[] = [];
    for (const [imageIdx, inst] of chunk) {
      const d = decoded[imageIdx]!;
      const size = sizeOf(imageIdx);
      const base = baseRow(inst, o.rowContext, size);
      if (!d.ok) {
        push(errorRow(base, d.error), null);
        continue;
      }
      if ((inst.width !== undefined && inst.width !== size!.width) || (inst.height !== undefined && inst.height !== size!.height)) {
        push(errorRow(base, `the image is ${size!.width}×${size!.height} but the manifest says ${inst.width}×${inst.height}`), null);
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
      out = await runner.cam(key, {
        image_index: i64(BigInt64Array.from(ready, (r) => BigInt(r.image)), [ready.length]),
        input_ids: i64(tokens.inputIds, [tokens.B, tokens.T]),
        attention_mask: i64(tokens.attentionMask, [tokens.B, tokens.T]),
      });
    } catch (err) {
      for (const r of ready) push(errorRow(r.base, `inference failed: ${(err as Error).message.split('\n')[0]}`), null);
      continue;
    }
    const cam = out.cam!;
    const score = out.score!.data as Float32Array;
    const camGrids = reduceTokens(cam.data as Float32Array, cam.dims, tokens.lengths, o.tokens);
    ready.forEach((r, b) => {
      const grid = camGrids[b]!;
      const { row, store } = scoredRow(r.base, grid, r.inst.boxes, r.size.width, r.size.height, o.metrics, ws, { score: score[b] });
      push(row, store ? grid : null);
    });
  }
  o.emit(rows, grids);
}
