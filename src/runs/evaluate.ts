// `groundcam eval` without the terminal: for each job (a model, or a baseline) a run directory is
// created or resumed, the job streams its rows into it, a live summary is kept, and summary.json is
// written at the end. Progress goes to a callback; the CLI renders it as a live table or plain lines.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { DEFAULT_BASELINE_OPTIONS, type BaselineName, type BaselineOptions } from '../cam/baselines.js';
import { attentionGradcamEngine, type TokenRule } from '../cam/attention-gradcam.js';
import type { CamEngine } from '../cam/engine.js';
import { gscorecamEngine } from '../cam/gscorecam.js';
import type { CamGrid } from '../cam/grid.js';
import { RunAggregator, type RunSummary } from '../metrics/aggregate.js';
import type { InstanceRecord } from '../metrics/instance.js';
import type { MetricOptions } from '../metrics/options.js';
import { loadModelCard, type LoadedModel } from '../models/card.js';
import { describeDevice, type DeviceRequest } from '../models/device.js';
import { GraphRunner } from '../models/runner.js';
import { PhraseTokenizer } from '../models/tokenizer.js';
import { UserError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { runBaselineJob } from './baseline-job.js';
import { selectShard, type DatasetInstance, type LoadedDataset, type Shard } from './dataset.js';
import { runModelJob } from './model-job.js';
import type { RowContext } from './rows.js';
import { readRunJson, RUN_SCHEMA, RunWriter, type InstanceRow, type RunJson, type RunStatus } from './store.js';

export type JobSpec = { kind: 'model'; dir: string } | { kind: 'baseline'; name: BaselineName };

export interface EvalOptions {
  jobs: JobSpec[];
  dataset: LoadedDataset;
  /** Folder under which run folders are created. */
  runsDir: string;
  /** Resume: true = the latest unfinished run of each job with the same configuration; or explicit folders. */
  resume: boolean | string[];
  shard: Shard | null;
  limit: number | null;
  batchSize: number;
  imagesPerBatch: number;
  /** One inference worker per device (several GPUs: one each). */
  devices: DeviceRequest[];
  threads: number | undefined;
  verbose: boolean;
  tokens: TokenRule | null;
  /** gScoreCAM: channels kept (default: the model card's, else 300) and masked images per graph call. */
  topk?: number;
  maskBatch: number;
  metrics: MetricOptions;
  baseline: BaselineOptions;
}

/** The configuration a run records; two runs with equal configurations may be resumed into each other. */
export interface RunConfig {
  kind: 'model' | 'baseline';
  model: string | null;
  model_dir: string | null;
  family: string | null;
  method: string;
  layer: number | string | null;
  tokens: TokenRule | null;
  /** gScoreCAM's channel count, null for other methods. */
  topk: number | null;
  dataset: string;
  dataset_name: string;
  split: string | null;
  dataset_sha256: string;
  metrics: MetricOptions;
  baseline: BaselineOptions | null;
  shard: { index: number; count: number } | null;
  limit: number | null;
}

export interface RunProgress {
  job: number;
  label: string;
  status: 'pending' | 'running' | RunStatus;
  runDir: string | null;
  done: number;
  total: number;
  errors: number;
  invalid: number;
  /** Running summary (means cheap; intervals refreshed at most every couple of seconds). */
  summary: RunSummary | null;
  rate: number | null;
  eta: number | null;
  note?: string;
}

export interface RunResult {
  runDir: string;
  config: RunConfig;
  status: RunStatus;
  summary: RunSummary & { n_errors: number };
}

export type ProgressListener = (p: RunProgress) => void;

/** The CAM engine of a model's method. */
function camEngine(model: LoadedModel, tokens: TokenRule, o: EvalOptions): CamEngine {
  const card = model.card;
  if (card.method === 'gscorecam') return gscorecamEngine(card, { topk: o.topk ?? card.cam.topk ?? 300, maskBatch: o.maskBatch });
  return attentionGradcamEngine(card, tokens);
}

export function jobLabel(job: JobSpec): string {
  return job.kind === 'model' ? path.basename(path.resolve(job.dir)) : job.name;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const configKey = (c: RunConfig) => JSON.stringify(c);

function runFolderName(config: RunConfig): string {
  const parts = [config.dataset_name, config.split, config.model ?? config.method, config.kind === 'model' ? `${config.method}-${config.tokens}` : null];
  if (config.shard) parts.push(`shard${config.shard.index + 1}of${config.shard.count}`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${parts.filter(Boolean).join('_').replace(/[^\w.+-]+/g, '-')}_${stamp}`;
}

/** The most recent unfinished run under `runsDir` with exactly this configuration, if any. */
function findResumable(runsDir: string, config: RunConfig): string | null {
  if (!existsSync(runsDir)) return null;
  const candidates = readdirSync(runsDir)
    .map((d) => path.join(runsDir, d))
    .filter((d) => existsSync(path.join(d, 'run.json')))
    .map((d) => ({ d, run: readRunJson<RunConfig>(d) }))
    .filter(({ run }) => run.status !== 'complete' && configKey(run.config) === configKey(config))
    .sort((a, b) => (a.run.created < b.run.created ? 1 : -1));
  return candidates[0]?.d ?? null;
}

/** Runs every job in turn; returns their results (also for a job that failed, with its status). */
export async function evaluate(o: EvalOptions, onProgress: ProgressListener, signal: AbortSignal): Promise<RunResult[]> {
  const datasetSha = await sha256File(o.dataset.file);
  const limited = o.limit === null ? o.dataset.instances : o.dataset.instances.slice(0, o.limit);
  const selected: DatasetInstance[] = selectShard(limited, o.shard);
  const results: RunResult[] = [];
  const labels = o.jobs.map(jobLabel);
  o.jobs.forEach((_, job) =>
    onProgress({ job, label: labels[job]!, status: 'pending', runDir: null, done: 0, total: selected.length, errors: 0, invalid: 0, summary: null, rate: null, eta: null }),
  );
  for (const [job, spec] of o.jobs.entries()) {
    if (signal.aborted) break;
    results.push(await runJob(job, spec, labels[job]!, selected, datasetSha, o, onProgress, signal));
  }
  return results;
}

async function runJob(
  job: number,
  spec: JobSpec,
  label: string,
  selected: DatasetInstance[],
  datasetSha: string,
  o: EvalOptions,
  onProgress: ProgressListener,
  signal: AbortSignal,
): Promise<RunResult> {
  let model: LoadedModel | null = null;
  if (spec.kind === 'model') model = loadModelCard(spec.dir);
  const tokens: TokenRule | null = model ? (o.tokens ?? model.card.cam.tokens) : null;
  const config: RunConfig = {
    kind: spec.kind,
    model: model?.card.name ?? null,
    model_dir: model?.dir ?? null,
    family: model?.card.family ?? null,
    method: model ? model.card.method : (spec as { name: string }).name,
    layer: model?.card.cam.layer ?? null,
    tokens,
    topk: model?.card.method === 'gscorecam' ? (o.topk ?? model.card.cam.topk ?? 300) : null,
    dataset: o.dataset.file,
    dataset_name: o.dataset.name,
    split: o.dataset.split,
    dataset_sha256: datasetSha,
    metrics: o.metrics,
    baseline: spec.kind === 'baseline' ? o.baseline : null,
    shard: o.shard,
    limit: o.limit,
  };

  // Create the run folder, or reopen the one being resumed.
  let dir: string | null = null;
  if (Array.isArray(o.resume)) dir = o.resume[job] ?? null;
  else if (o.resume) dir = findResumable(o.runsDir, config);
  let writer: RunWriter<RunConfig>;
  let previous: InstanceRow[] = [];
  if (dir) {
    const existing = readRunJson<RunConfig>(dir);
    if (configKey(existing.config) !== configKey(config)) {
      throw new UserError(`${dir}: cannot resume: it was run with another configuration (model, method, dataset, options or shard differ)`);
    }
    ({ writer, rows: previous } = await RunWriter.reopen<RunConfig>(dir));
  } else {
    const name = runFolderName(config);
    dir = path.join(o.runsDir, name);
    for (let k = 2; existsSync(dir); k++) dir = path.join(o.runsDir, `${name}-${k}`);
    const now = new Date().toISOString();
    const run: RunJson<RunConfig> = {
      schema: RUN_SCHEMA,
      id: path.basename(dir),
      created: now,
      updated: now,
      status: 'running',
      config,
      provenance: { groundcam: VERSION, node: process.version, host: hostname(), model: model?.card.provenance ?? null },
      progress: { done: 0, total: selected.length, errors: 0, invalid: 0 },
    };
    writer = RunWriter.create(dir, run);
  }

  const agg = new RunAggregator();
  let errors = 0;
  const add = (row: InstanceRow) => {
    if (row.error !== undefined) errors++;
    else agg.addRecord(row as unknown as InstanceRecord);
  };
  for (const row of previous) add(row);
  const doneIds = new Set(previous.map((r) => r.id));
  const todo = selected.filter((i) => !doneIds.has(i.id));

  // Progress: instances/s over a sliding window, intervals recomputed at most every 2 s.
  const started = Date.now();
  const window: [number, number][] = [[started, previous.length]];
  let done = previous.length;
  let lastSummaryAt = 0;
  let summary: RunSummary | null = previous.length > 0 ? agg.summary() : null;
  let note: string | undefined;
  const report = (status: RunProgress['status'], force = false) => {
    const now = Date.now();
    if (force || now - lastSummaryAt > 2000) {
      summary = agg.n > 0 ? agg.summary() : null;
      lastSummaryAt = now;
    }
    while (window.length > 2 && now - window[0]![0] > 10_000) window.shift();
    const [t0, d0] = window[0]!;
    const rate = now > t0 && done > d0 ? ((done - d0) * 1000) / (now - t0) : null;
    const eta = rate ? (selected.length - done) / rate : null;
    const p: RunProgress = { job, label, status, runDir: dir, done, total: selected.length, errors, invalid: agg.nInvalid, summary, rate, eta };
    if (note) p.note = note;
    onProgress(p);
  };
  report('running', true);

  const rowContext: RowContext = {
    model: config.model,
    method: config.method,
    layer: config.layer,
    tokens: config.tokens,
    dataset: config.dataset_name,
    split: config.split,
  };
  let lastRunJson = Date.now();
  const emit = (rows: InstanceRow[], grids: (CamGrid | null)[]) => {
    writer.appendBatch(rows, grids);
    rows.forEach(add);
    done += rows.length;
    window.push([Date.now(), done]);
    if (Date.now() - lastRunJson > 5000) {
      writer.update({ progress: { done, total: selected.length, errors, invalid: agg.nInvalid } });
      lastRunJson = Date.now();
    }
    report('running');
  };

  let status: RunStatus = 'complete';
  const runners: GraphRunner[] = [];
  try {
    if (model) {
      for (const device of o.devices) runners.push(await GraphRunner.start(model, { device, threads: o.threads, verbose: o.verbose }));
      note = runners.find((r) => r.note)?.note ?? undefined;
      writer.update({
        provenance: { ...writer.run.provenance, execution_provider: runners.map((r) => r.provider).join(','), devices: o.devices.map(describeDevice) },
      });
      await runModelJob(todo, {
        model,
        runners,
        tokenizer: PhraseTokenizer.load(model),
        engine: camEngine(model, tokens!, o),
        metrics: o.metrics,
        batchSize: o.batchSize,
        imagesPerBatch: o.imagesPerBatch,
        rowContext,
        emit,
        signal,
      });
    } else {
      await runBaselineJob(todo, {
        name: (spec as { name: BaselineName }).name,
        baseline: o.baseline ?? DEFAULT_BASELINE_OPTIONS,
        metrics: o.metrics,
        rowContext,
        batchSize: 256,
        emit,
        signal,
      });
    }
    if (signal.aborted) status = 'interrupted';
  } catch (err) {
    status = 'failed';
    note = (err as Error).message.split('\n')[0];
    writer.update({ error: (err as Error).message });
    if (err instanceof UserError) {
      finish();
      throw err;
    }
  } finally {
    await Promise.all(runners.map((r) => r.close().catch(() => undefined)));
  }
  function finish() {
    writer.update({ status, progress: { done, total: selected.length, errors, invalid: agg.nInvalid } });
    writer.close();
  }
  const final = { ...agg.summary(), n_errors: errors };
  if (status === 'complete') writer.writeSummary({ ...final, config, run_dir: dir });
  finish();
  report(status, true);
  return { runDir: dir, config, status, summary: final };
}
