// A finished (or unfinished) run folder read back for reports and views: run.json, its rows sorted by
// manifest position, and its summary — summary.json when the run completed, else recomputed from
// instances.jsonl with the same aggregation (so an unfinished run can still be reported, marked as such).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { summariseRecords, type RunSummary } from '../metrics/aggregate.js';
import type { InstanceRecord } from '../metrics/instance.js';
import { UserError } from '../util/errors.js';
import type { RunConfig } from './evaluate.js';
import { FILES, readInstances, readRunJson, type InstanceRow, type RunJson } from './store.js';

export type RunSummaryWithErrors = RunSummary & { n_errors: number };

export interface LoadedRun {
  /** The run folder, absolute. */
  dir: string;
  run: RunJson<RunConfig>;
  config: RunConfig;
  /** Every complete row of instances.jsonl, sorted by `idx` (manifest order). */
  rows: InstanceRow[];
  summary: RunSummaryWithErrors;
  /** Where the summary came from: summary.json of a complete run, or recomputed from the rows. */
  summarySource: 'summary.json' | 'recomputed';
  /** The folder that relative image paths of the rows are relative to (the manifest's). */
  manifestDir: string;
}

/** How a row ended: scored (metrics), invalid (not scorable, with a reason) or error (not run). */
export type RowState = 'scored' | 'invalid' | 'error';

export function rowState(row: InstanceRow): RowState {
  if (row.error !== undefined) return 'error';
  if (row.invalid !== undefined) return 'invalid';
  return 'scored';
}

/** The rows as metric records (error rows left out: they were never scored), for aggregation and comparison. */
export function recordsOf(rows: readonly InstanceRow[]): InstanceRecord[] {
  return rows.filter((r) => r.error === undefined) as unknown as InstanceRecord[];
}

/** `toy` or `centre (baseline)`: how a run is named in tables and views. */
export function runLabel(config: RunConfig): string {
  return config.kind === 'model' ? (config.model ?? config.method) : `${config.method} (baseline)`;
}

/** The method as a table shows it: `attention-gradcam/all` (method/tokens) or the baseline's name. */
export function methodLabel(config: RunConfig): string {
  return config.kind === 'model' && config.tokens ? `${config.method}/${config.tokens}` : config.method;
}

/** The image file of a row: absolute as is, else relative to the manifest's folder. */
export function imagePathOf(run: Pick<LoadedRun, 'manifestDir'>, row: InstanceRow): string | null {
  const image = row.image;
  if (typeof image !== 'string' || image === '') return null;
  return path.isAbsolute(image) ? image : path.join(run.manifestDir, image);
}

export interface LoadRunOptions {
  /**
   * The folder relative image paths are relative to, when the data is no longer where the run was made
   * (a run copied from a cluster): default the folder of the manifest recorded in run.json.
   */
  dataDir?: string;
}

/** Reads a run folder. Throws a UserError naming the folder when it is not a run. */
export async function loadRun(dir: string, options: LoadRunOptions = {}): Promise<LoadedRun> {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) throw new UserError(`${dir}: no such run folder`);
  const run = readRunJson<RunConfig>(abs);
  const rows: InstanceRow[] = [];
  for await (const row of readInstances(abs)) rows.push(row);
  rows.sort((a, b) => a.idx - b.idx);
  const summaryFile = path.join(abs, FILES.summary);
  let summary: RunSummaryWithErrors;
  let summarySource: LoadedRun['summarySource'];
  if (run.status === 'complete' && existsSync(summaryFile)) {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummaryWithErrors;
    summarySource = 'summary.json';
  } else {
    summary = { ...summariseRecords(recordsOf(rows)), n_errors: rows.filter((r) => r.error !== undefined).length };
    summarySource = 'recomputed';
  }
  const manifestDir = options.dataDir !== undefined ? path.resolve(options.dataDir) : path.dirname(run.config.dataset);
  return { dir: abs, run, config: run.config, rows, summary, summarySource, manifestDir };
}

/**
 * The run folders named by the user: each argument is a run folder, or a folder holding run folders
 * (such as `runs/`), which stands for all of them in name order.
 */
export function expandRunDirs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (existsSync(path.join(arg, FILES.run))) {
      out.push(arg);
      continue;
    }
    if (!existsSync(arg) || !statSync(arg).isDirectory()) throw new UserError(`${arg}: no such run folder`);
    const inner = readdirSync(arg)
      .sort()
      .map((d) => path.join(arg, d))
      .filter((d) => existsSync(path.join(d, FILES.run)));
    if (inner.length === 0) throw new UserError(`${arg}: not a groundcam run (no ${FILES.run}) and holds no run folders`);
    out.push(...inner);
  }
  return out;
}
