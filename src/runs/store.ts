// The run directory (architecture.md, runs/): run.json (config, provenance, status), instances.jsonl
// (one line per instance, appended and flushed batch by batch), cams.bin (float16 grids), summary.json.
// A run survives a crash, kill -9 or Ctrl-C: reopening it drops any partial last line and any grid bytes
// no complete line refers to, and reports the ids already done so nothing is scored twice.
import { createReadStream, existsSync, closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { CamGrid } from '../cam/grid.js';
import { UserError } from '../util/errors.js';
import { decodeHalf, encodeHalf } from './float16.js';

export const RUN_SCHEMA = 'groundcam/run@1';
export const FILES = { run: 'run.json', instances: 'instances.jsonl', cams: 'cams.bin', summary: 'summary.json' } as const;

export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';

export interface RunJson<Config = Record<string, unknown>> {
  schema: typeof RUN_SCHEMA;
  id: string;
  created: string;
  updated: string;
  status: RunStatus;
  config: Config;
  provenance: Record<string, unknown>;
  progress: { done: number; total: number; errors: number; invalid: number };
  error?: string;
}

/** Where an instance's grid lies in cams.bin: `offset` and `h × w` in float16 elements. */
export interface CamRef {
  offset: number;
  h: number;
  w: number;
}

/** One line of instances.jsonl. Scored rows carry the metrics; others carry `invalid` or `error`. */
export interface InstanceRow {
  idx: number;
  id: string;
  cam?: CamRef;
  invalid?: string;
  error?: string;
  [key: string]: unknown;
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

export function readRunJson<C = Record<string, unknown>>(dir: string): RunJson<C> {
  const file = path.join(dir, FILES.run);
  if (!existsSync(file)) throw new UserError(`${dir}: not a groundcam run (no ${FILES.run})`);
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunJson<C>;
  if (run.schema !== RUN_SCHEMA) throw new UserError(`${file}: unknown schema ${String(run.schema)} (expected ${RUN_SCHEMA})`);
  return run;
}

/** Streams the complete rows of instances.jsonl (a partial last line, from a crash, is skipped). */
export async function* readInstances(dir: string): AsyncGenerator<InstanceRow> {
  const file = path.join(dir, FILES.instances);
  if (!existsSync(file)) return;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    try {
      yield JSON.parse(line) as InstanceRow;
    } catch {
      return; // only the last line can be partial
    }
  }
}

/** Random access to the grids of a run. */
export class CamReader {
  private readonly fd: number;
  constructor(dir: string) {
    this.fd = openSync(path.join(dir, FILES.cams), 'r');
  }
  read(ref: CamRef): CamGrid {
    const n = ref.h * ref.w;
    const bits = new Uint16Array(n);
    readSync(this.fd, bits, 0, n * 2, ref.offset * 2);
    return { data: decodeHalf(bits), h: ref.h, w: ref.w };
  }
  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Appends to a run directory. Each batch: grids to cams.bin first, then its lines to instances.jsonl
 * in one write, so a line never points at grid bytes that are not on disk.
 */
export class RunWriter<C = Record<string, unknown>> {
  private readonly instancesFd: number;
  private readonly camsFd: number;
  private camOffset: number;
  private lastSync = Date.now();

  private constructor(
    readonly dir: string,
    public run: RunJson<C>,
    camBytes: number,
  ) {
    this.instancesFd = openSync(path.join(dir, FILES.instances), 'a');
    this.camsFd = openSync(path.join(dir, FILES.cams), 'a');
    this.camOffset = camBytes / 2;
  }

  /** Starts a new run in `dir` (created; it must not hold a run already). */
  static create<C>(dir: string, run: RunJson<C>): RunWriter<C> {
    if (existsSync(path.join(dir, FILES.run))) throw new UserError(`${dir} already holds a run: pass --resume to continue it, or choose another --out`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, FILES.instances), '');
    writeFileSync(path.join(dir, FILES.cams), '');
    writeJsonAtomic(path.join(dir, FILES.run), run);
    return new RunWriter(dir, run, 0);
  }

  /**
   * Reopens a run to continue it: repairs the files after a crash and returns the rows already written
   * (whose instances must not be scored again).
   */
  static async reopen<C>(dir: string): Promise<{ writer: RunWriter<C>; rows: InstanceRow[] }> {
    const run = readRunJson<C>(dir);
    const instancesFile = path.join(dir, FILES.instances);
    const camsFile = path.join(dir, FILES.cams);
    const rows: InstanceRow[] = [];
    let goodBytes = 0;
    let camEnd = 0;
    if (existsSync(instancesFile)) {
      const text = readFileSync(instancesFile);
      let start = 0;
      for (;;) {
        const nl = text.indexOf(10, start);
        if (nl < 0) break;
        const line = text.subarray(start, nl).toString('utf8');
        if (line !== '') {
          let row: InstanceRow;
          try {
            row = JSON.parse(line) as InstanceRow;
          } catch {
            break;
          }
          rows.push(row);
          if (row.cam) camEnd = Math.max(camEnd, (row.cam.offset + row.cam.h * row.cam.w) * 2);
        }
        goodBytes = nl + 1;
        start = nl + 1;
      }
    }
    const camBytes = existsSync(camsFile) ? statSync(camsFile).size : 0;
    if (camBytes < camEnd) throw new UserError(`${camsFile} is shorter than instances.jsonl says (${camBytes} < ${camEnd} bytes): the run is damaged`);
    for (const [file, size] of [[instancesFile, goodBytes], [camsFile, camEnd]] as const) {
      const fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
      ftruncateSync(fd, size);
      closeSync(fd);
    }
    return { writer: new RunWriter<C>(dir, run, camEnd), rows };
  }

  /** Appends one batch of rows; `grids[i]` (or null) is stored for `rows[i]` and referenced from it. */
  appendBatch(rows: InstanceRow[], grids: (CamGrid | null)[]): void {
    const chunks: Buffer[] = [];
    rows.forEach((row, i) => {
      const g = grids[i];
      if (!g) return;
      const half = encodeHalf(g.data);
      chunks.push(Buffer.from(half.buffer, half.byteOffset, half.byteLength));
      row.cam = { offset: this.camOffset, h: g.h, w: g.w };
      this.camOffset += half.length;
    });
    if (chunks.length > 0) writeSync(this.camsFd, Buffer.concat(chunks));
    if (rows.length > 0) writeSync(this.instancesFd, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (Date.now() - this.lastSync > 2000) this.sync();
  }

  private sync(): void {
    fsyncSync(this.camsFd);
    fsyncSync(this.instancesFd);
    this.lastSync = Date.now();
  }

  /** Rewrites run.json with `patch` applied (status, progress, ...). */
  update(patch: Partial<RunJson<C>>): void {
    this.run = { ...this.run, ...patch, updated: new Date().toISOString() };
    writeJsonAtomic(path.join(this.dir, FILES.run), this.run);
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(path.join(this.dir, FILES.summary), summary);
  }

  close(): void {
    this.sync();
    closeSync(this.camsFd);
    closeSync(this.instancesFd);
  }
}
