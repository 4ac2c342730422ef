// `groundcam merge`: the shards of one evaluation (`--shard i/n`, e.g. a Slurm array) into one run
// folder, as if it had been evaluated in one go.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CamGrid } from '../cam/grid.js';
import { RunAggregator, type RunSummary } from '../metrics/aggregate.js';
import type { InstanceRecord } from '../metrics/instance.js';
import { UserError } from '../util/errors.js';
import { decodeHalf } from './float16.js';
import type { RunConfig } from './evaluate.js';
import { FILES, readInstances, readRunJson, RUN_SCHEMA, RunWriter, type InstanceRow, type RunJson } from './store.js';

export interface MergeOptions {
  /** Merge even if some shards are unfinished or missing (the result is marked incomplete). */
  allowIncomplete: boolean;
}

export interface MergeResult {
  dir: string;
  shards: number;
  rows: number;
  summary: RunSummary & { n_errors: number };
  complete: boolean;
}

const sameExceptShard = (a: RunConfig, b: RunConfig) => JSON.stringify({ ...a, shard: null }) === JSON.stringify({ ...b, shard: null });

export async function mergeRuns(dirs: string[], out: string, options: MergeOptions): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError('merge: give the run folders of the shards');
  const runs = dirs.map((d) => ({ dir: d, run: readRunJson<RunConfig>(d) }));
  const first = runs[0]!.run.config;
  const count = first.shard?.count ?? 1;
  const seen = new Map<number, string>();
  const problems: string[] = [];
  for (const { dir, run } of runs) {
    if (!sameExceptShard(run.config, first)) throw new UserError(`${dir}: another configuration than ${runs[0]!.dir} (model, method, dataset or options differ); only shards of one evaluation can be merged`);
    const shard = run.config.shard ?? { index: 0, count: 1 };
    if (shard.count !== count) throw new UserError(`${dir}: shard of ${shard.count}, but ${runs[0]!.dir} is a shard of ${count}`);
    if (seen.has(shard.index)) throw new UserError(`${dir} and ${seen.get(shard.index)} are both shard ${shard.index + 1}/${count}`);
    seen.set(shard.index, dir);
    if (run.status !== 'complete') problems.push(`${dir}: shard ${shard.index + 1}/${count} is ${run.status}`);
  }
  for (let i = 0; i < count; i++) if (!seen.has(i)) problems.push(`shard ${i + 1}/${count} is missing`);
  if (problems.length > 0 && !options.allowIncomplete) throw new UserError(`merge: ${problems.join('; ')} (finish them with eval --resume, or pass --allow-incomplete)`);
  if (existsSync(path.join(out, FILES.run))) throw new UserError(`${out} already holds a run; choose another --out`);

  const now = new Date().toISOString();
  const complete = problems.length === 0;
  const total = runs.reduce((s, r) => s + r.run.progress.total, 0);
  const merged: RunJson<RunConfig> = {
    schema: RUN_SCHEMA,
    id: path.basename(out),
    created: now,
    updated: now,
    status: 'running',
    config: { ...first, shard: null },
    provenance: { ...runs[0]!.run.provenance, merged_from: runs.map((r) => ({ dir: path.resolve(r.dir), shard: r.run.config.shard, status: r.run.status })) },
    progress: { done: 0, total, errors: 0, invalid: 0 },
  };
  const writer = RunWriter.create(out, merged);
  const agg = new RunAggregator();
  const ids = new Set<string>();
  let errors = 0;
  let rows = 0;
  for (const { dir } of runs.sort((a, b) => (a.run.config.shard?.index ?? 0) - (b.run.config.shard?.index ?? 0))) {
    const camsFile = path.join(dir, FILES.cams);
    const fd = existsSync(camsFile) && statSync(camsFile).size > 0 ? openSync(camsFile, 'r') : null;
    const batch: InstanceRow[] = [];
    const grids: (CamGrid | null)[] = [];
    const flush = () => {
      writer.appendBatch(batch.splice(0), grids.splice(0));
    };
    for await (const row of readInstances(dir)) {
      if (ids.has(row.id)) throw new UserError(`${dir}: instance ${row.id} is also in another shard`);
      ids.add(row.id);
      let grid: CamGrid | null = null;
      if (row.cam && fd !== null) {
        const n = row.cam.h * row.cam.w;
        const bits = new Uint16Array(n);
        readSync(fd, bits, 0, n * 2, row.cam.offset * 2);
        grid = { data: decodeHalf(bits), h: row.cam.h, w: row.cam.w };
      }
      const { cam: _cam, ...rest } = row;
      batch.push(rest as InstanceRow);
      grids.push(grid);
      if (row.error !== undefined) errors++;
      else agg.addRecord(row as unknown as InstanceRecord);
      rows++;
      if (batch.length >= 512) flush();
    }
    flush();
    if (fd !== null) closeSync(fd);
  }
  const summary = { ...agg.summary(), n_errors: errors };
  if (complete) writer.writeSummary({ ...summary, config: merged.config, run_dir: out });
  writer.update({ status: complete ? 'complete' : 'interrupted', progress: { done: rows, total, errors, invalid: agg.nInvalid } });
  writer.close();
  return { dir: out, shards: runs.length, rows, summary, complete };
}
