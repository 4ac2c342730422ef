// `groundcam score`'s work, usable from the library: score the heatmaps a manifest names (each row's
// `heatmap`, a 2-D float .npy), write one record per instance, and aggregate the run.
import { readFile } from 'node:fs/promises';
import { readManifest, ManifestError, type Instance } from '../data/manifest.js';
import { NpyError, parseNpy2d } from '../data/npy.js';
import { RunAggregator, type RunSummary } from '../metrics/aggregate.js';
import { toRecord, type InstanceRecord } from '../metrics/instance.js';
import { resolveAggregateOptions, resolveMetricOptions, type AggregateOptions, type MetricOptions } from '../metrics/options.js';
import type { Grid } from '../metrics/resize.js';
import { MetricsWorkspace, scoreInstance } from '../metrics/score-instance.js';
import { UserError } from '../util/errors.js';
import { RecordWriter, recordFormatOf } from './record-writer.js';

/** Something about one manifest line: a malformed line (a problem of the run) or an invalid instance. */
export interface ScoreProblem {
  kind: 'malformed' | 'invalid';
  file: string;
  line: number;
  id?: string;
  reason: string;
}

export interface ScoreManifestOptions {
  manifest: string;
  /** Where to write the per-instance records (.jsonl or .csv); none when absent. */
  out?: string;
  metrics?: Partial<MetricOptions>;
  aggregate?: Partial<AggregateOptions>;
  /** Called for every malformed line and every invalid instance, in manifest order. */
  onProblem?: (problem: ScoreProblem) => void;
  /** How many heatmaps are read ahead of the scorer (default 16). */
  prefetch?: number;
}

export interface ScoreManifestResult {
  summary: RunSummary;
  /** Lines that could not be used as instances (bad JSON, missing fields, duplicate id). */
  malformed: number;
  /** Records written to `out` (0 without it). */
  written: number;
  metricOptions: MetricOptions;
  aggregateOptions: AggregateOptions;
}

type Loaded = { grid: Grid; gh: number; gw: number; W: number; H: number } | { invalid: string };

/** Reads an instance's heatmap and image size; every failure becomes the reason of an invalid instance. */
export async function loadScoreInput(instance: Instance): Promise<Loaded> {
  if (instance.heatmapPath === undefined) return { invalid: 'the manifest row has no "heatmap" (path to a 2-D .npy)' };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(instance.heatmapPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { invalid: `heatmap ${instance.heatmap}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}` };
  }
  let npy;
  try {
    npy = parseNpy2d(bytes);
  } catch (err) {
    if (err instanceof NpyError) return { invalid: `heatmap ${instance.heatmap}: ${err.message}` };
    throw err;
  }
  let W = instance.width;
  let H = instance.height;
  if (W === undefined || H === undefined) {
    try {
      const { default: sharp } = await import('sharp');
      const meta = await sharp(instance.imagePath).metadata();
      if (!meta.width || !meta.height) throw new Error('no width/height in the image header');
      W = meta.width;
      H = meta.height;
    } catch (err) {
      return { invalid: `image size unknown: no width/height in the manifest and ${instance.image} cannot be read (${(err as Error).message})` };
    }
  }
  return { grid: npy.data, gh: npy.shape[0], gw: npy.shape[1], W, H };
}

/**
 * Scores every instance of a manifest, in order. Malformed lines are reported through onProblem and
 * skipped (a line that still has a usable id also gets an invalid record); invalid instances are written
 * as `{id, invalid}` and counted. A missing manifest throws a UserError.
 */
export async function scoreManifest(opts: ScoreManifestOptions): Promise<ScoreManifestResult> {
  let metricOptions: MetricOptions;
  let aggregateOptions: AggregateOptions;
  try {
    metricOptions = resolveMetricOptions(opts.metrics);
    aggregateOptions = resolveAggregateOptions(opts.aggregate);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const aggregator = new RunAggregator(aggregateOptions);
  // the output file is created with the first record (a missing manifest leaves nothing behind)
  if (opts.out !== undefined) recordFormatOf(opts.out);
  let writer: RecordWriter | null = null;
  const output = () => (opts.out === undefined ? null : (writer ??= new RecordWriter(opts.out)));
  const ws = new MetricsWorkspace();
  const file = opts.manifest;
  const prefetch = Math.max(1, opts.prefetch ?? 16);
  let malformed = 0;

  const emit = async (record: InstanceRecord, line: number, report = true) => {
    if (report && 'invalid' in record) opts.onProblem?.({ kind: 'invalid', file, line, id: record.id, reason: record.invalid });
    aggregator.addRecord(record);
    await output()?.write(record);
  };

  type Pending = Promise<{ line: number; id?: string; error?: string; instance?: Instance; loaded?: Loaded }>;
  const queue: Pending[] = [];
  const handle = async (p: Pending) => {
    const e = await p;
    if (e.error !== undefined) {
      malformed++;
      opts.onProblem?.({ kind: 'malformed', file, line: e.line, ...(e.id !== undefined && { id: e.id }), reason: e.error });
      if (e.id !== undefined) await emit({ id: e.id, invalid: `malformed manifest line ${e.line}: ${e.error}` }, e.line, false);
      return;
    }
    const { instance, loaded } = e as { instance: Instance; loaded: Loaded };
    const score =
      'invalid' in loaded
        ? loaded
        : scoreInstance(loaded.grid, loaded.gh, loaded.gw, instance.boxes, loaded.W, loaded.H, metricOptions, ws);
    await emit(toRecord(instance.id, score), e.line);
  };

  try {
    for await (const entry of readManifest(file)) {
      queue.push(
        entry.ok
          ? loadScoreInput(entry.instance).then((loaded) => ({ line: entry.line, instance: entry.instance, loaded }))
          : Promise.resolve({ line: entry.line, error: entry.error, ...(entry.id !== undefined && { id: entry.id }) }),
      );
      if (queue.length >= prefetch) await handle(queue.shift()!);
    }
    while (queue.length > 0) await handle(queue.shift()!);
  } catch (err) {
    await Promise.allSettled(queue);
    await (writer as RecordWriter | null)?.close().catch(() => undefined);
    if (err instanceof ManifestError) throw new UserError(err.message);
    throw err;
  }
  const out = output();
  await out?.close();
  return { summary: aggregator.summary(), malformed, written: out?.count ?? 0, metricOptions, aggregateOptions };
}
