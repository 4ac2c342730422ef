// The work behind `groundcam eval`: options → evaluate(), with a live table on a terminal or plain
// progress lines otherwise; Ctrl-C stops after the current batch with everything written.
import { DEFAULT_BASELINE_OPTIONS, type BaselineName } from '../cam/baselines.js';
import { resolveMetricOptions } from '../metrics/options.js';
import { parseDevice, type DeviceRequest } from '../models/device.js';
import { resolveModelDir } from '../models/resolve.js';
import { loadDataset, parseShard, shardFromEnv } from '../runs/dataset.js';
import { evaluate, type JobSpec, type RunProgress, type RunResult } from '../runs/evaluate.js';
import { plainTable, progressLine } from '../tui/plain-table.js';
import { toRunView } from '../tui/progress-view.js';
import type { RunView } from '../tui/run-view.js';
import { UserError } from '../util/errors.js';
import { defaultDataset, defaultJobs } from './eval-defaults.js';

export interface EvalCommandOptions {
  model?: string[];
  baseline?: string[];
  dataset?: string;
  tokens?: 'all' | 'words';
  topk?: number;
  maskBatch: number;
  device: string;
  devices?: string[];
  threads?: number;
  batchSize: number;
  imagesPerBatch: number;
  runsDir: string;
  resume?: true | string[];
  shard?: string;
  limit?: number;
  resize: 'bicubic' | 'bilinear' | 'nearest';
  pgTolerance: number;
  pgLevels: number;
  mergeBoxes: boolean;
  baselineSigma?: number;
  seed?: number;
  tui: boolean;
  json?: true;
  verbose?: true;
}

const BASELINES: readonly BaselineName[] = ['centre', 'uniform', 'random'];

/** `--devices 0,1` → cuda:0 and cuda:1 (an entry may also be cpu or cuda:N); else the one `--device`. */
export function parseDevices(device: string, devices: string[] | undefined): DeviceRequest[] {
  if (!devices || devices.length === 0) return [parseDevice(device)];
  return devices.map((d) => parseDevice(/^\d+$/.test(d) ? `cuda:${d}` : d));
}

/** The `--json` record of one run. */
export function jsonResult(r: RunResult): Record<string, unknown> {
  const { summary: s, config: c } = r;
  return {
    run_dir: r.runDir,
    model: c.model,
    method: c.kind === 'model' ? c.method : `baseline:${c.method}`,
    tokens: c.tokens,
    dataset: c.dataset_name,
    split: c.split,
    status: r.status,
    n: s.n,
    n_invalid: s.n_invalid,
    n_errors: s.n_errors,
    n_degenerate: s.n_degenerate,
    pg_acc: s.pg_acc,
    pg_acc_ci: s.pg_acc_ci,
    pg_unc: s.pg_unc,
    pg_unc_rate: s.pg_unc_rate,
    iou_soft: s.iou_soft,
    iou_soft_ci: s.iou_soft_ci,
    iou_bin: s.iou_bin,
    iou_bin_ci: s.iou_bin_ci,
    dice_soft: s.dice_soft,
    dice_soft_ci: s.dice_soft_ci,
    dice_bin: s.dice_bin,
    dice_bin_ci: s.dice_bin_ci,
    io_ratio: s.io_ratio,
    io_ratio_ci: s.io_ratio_ci,
    wdp_soft: s.wdp_soft,
    wdp_soft_ci: s.wdp_soft_ci,
    wdp_bin: s.wdp_bin,
    wdp_bin_ci: s.wdp_bin_ci,
  };
}

export async function runEvalCommand(opts: EvalCommandOptions): Promise<void> {
  let models = opts.model ?? [];
  let baselines = opts.baseline ?? [];
  let datasetFile = opts.dataset;
  const log = (line: string) => process.stderr.write(line + '\n');
  if (models.length === 0 && baselines.length === 0) ({ models, baselines } = defaultJobs(log));
  datasetFile ??= await defaultDataset(log);
  for (const b of baselines) if (!BASELINES.includes(b as BaselineName)) throw new UserError(`--baseline ${b}: expected one of ${BASELINES.join(', ')}`);
  const jobs: JobSpec[] = [
    ...models.map((m): JobSpec => ({ kind: 'model', dir: resolveModelDir(m) })),
    ...baselines.map((b): JobSpec => ({ kind: 'baseline', name: b as BaselineName })),
  ];
  let metrics;
  try {
    metrics = resolveMetricOptions({ resize: opts.resize, pgTolerance: opts.pgTolerance, pgLevels: opts.pgLevels, mergeBoxes: opts.mergeBoxes });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const shard = opts.shard ? parseShard(opts.shard) : shardFromEnv();
  const resume = opts.resume === undefined ? false : opts.resume === true || opts.resume.length === 0 ? true : opts.resume;
  if (Array.isArray(resume) && resume.length !== jobs.length) throw new UserError(`--resume: give one run folder per model/baseline (${jobs.length}), or none`);

  const dataset = await loadDataset(datasetFile);
  for (const line of dataset.badLines) process.stderr.write(`${line}\n`);
  if (dataset.instances.length === 0) throw new UserError(`${datasetFile}: no usable instance`);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\ngroundcam: stopping after the current batch (everything done so far is saved; Ctrl-C again to quit now)\n');
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);

  const title = `groundcam eval · ${dataset.name}${dataset.split ? '/' + dataset.split : ''} · ${shard ? `shard ${shard.index + 1}/${shard.count} · ` : ''}${dataset.instances.length} instances`;
  const views: RunView[] = [];
  const listeners = new Set<(v: RunView[]) => void>();
  const interactive = opts.tui && process.stdout.isTTY === true && process.stderr.isTTY === true && !opts.json;
  let lastLine = 0;
  const onProgress = (p: RunProgress) => {
    views[p.job] = toRunView(p);
    const snapshot = [...views];
    for (const l of listeners) l(snapshot);
    if (!interactive) {
      const now = Date.now();
      const final = p.status !== 'running' && p.status !== 'pending';
      if ((p.status === 'running' && now - lastLine > 2000) || (final && p.runDir)) {
        process.stderr.write(progressLine(views[p.job]!) + (final ? ` · ${p.status} → ${p.runDir}` : '') + '\n');
        lastLine = now;
      }
    }
  };

  let ink: { unmount: () => void; waitUntilExit: () => Promise<unknown> } | null = null;
  if (interactive) {
    const [{ render }, React, { EvalApp }] = await Promise.all([import('ink'), import('react'), import('../tui/eval-app.js')]);
    const source = {
      subscribe(l: (v: RunView[]) => void) {
        listeners.add(l);
        l([...views]);
        return () => listeners.delete(l);
      },
    };
    ink = render(React.createElement(EvalApp, { title, source }), { exitOnCtrlC: false, patchConsole: false });
  }

  let results: RunResult[];
  try {
    results = await evaluate(
      {
        jobs,
        dataset,
        runsDir: opts.runsDir,
        resume,
        shard,
        limit: opts.limit ?? null,
        batchSize: opts.batchSize,
        imagesPerBatch: opts.imagesPerBatch,
        devices: parseDevices(opts.device, opts.devices),
        threads: opts.threads,
        verbose: opts.verbose ?? false,
        tokens: opts.tokens ?? null,
        ...(opts.topk !== undefined ? { topk: opts.topk } : {}),
        maskBatch: opts.maskBatch,
        metrics,
        baseline: {
          ...DEFAULT_BASELINE_OPTIONS,
          ...(opts.baselineSigma !== undefined ? { sigma: opts.baselineSigma } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        },
      },
      onProgress,
      controller.signal,
    );
  } finally {
    process.off('SIGINT', onSigint);
    if (ink) {
      // Let ink draw the final state (its renders are throttled) before it stops.
      await new Promise((r) => setTimeout(r, 100));
      ink.unmount();
      await ink.waitUntilExit();
    }
  }

  if (opts.json) process.stdout.write(JSON.stringify({ runs: results.map(jsonResult) }, null, 2) + '\n');
  else {
    if (!interactive) process.stdout.write(plainTable(title, views));
    for (const r of results) process.stdout.write(`${r.status === 'complete' ? 'run' : r.status + ' run'}: ${r.runDir}\n`);
  }
  const stopped = results.filter((r) => r.status !== 'complete');
  if (controller.signal.aborted) {
    process.stderr.write('groundcam: interrupted; continue with the same command plus --resume\n');
    process.exitCode = 130;
  } else if (stopped.length > 0) process.exitCode = 1;
}
