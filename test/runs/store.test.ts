import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CamReader, FILES, readInstances, readRunJson, RUN_SCHEMA, RunWriter, type RunJson } from '../../src/runs/store.js';

const runJson = (): RunJson => ({
  schema: RUN_SCHEMA,
  id: 'r1',
  created: '2026-11-23T00:00:00Z',
  updated: '2026-11-23T00:00:00Z',
  status: 'running',
  config: { method: 'centre' },
  provenance: {},
  progress: { done: 0, total: 4, errors: 0, invalid: 0 },
});
const grid = (v: number) => ({ data: Float32Array.from([v, v + 0.5, v + 1, v + 1.5]), h: 2, w: 2 });

describe('run store', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'gc-run-'));
    dirs.push(d);
    return path.join(d, 'run');
  };

  it('appends rows and float16 grids, and reads them back', async () => {
    const dir = newDir();
    const w = RunWriter.create(dir, runJson());
    w.appendBatch([{ idx: 0, id: 'a', pg_hit: 1 }, { idx: 1, id: 'b', error: 'image unreadable' }], [grid(1), null]);
    w.appendBatch([{ idx: 2, id: 'c', pg_hit: 0 }], [grid(8)]);
    w.update({ status: 'complete' });
    w.close();
    const rows = [];
    for await (const r of readInstances(dir)) rows.push(r);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(rows[0]!.cam).toEqual({ offset: 0, h: 2, w: 2 });
    expect(rows[1]!.cam).toBeUndefined();
    expect(rows[2]!.cam).toEqual({ offset: 4, h: 2, w: 2 });
    const reader = new CamReader(dir);
    expect(Array.from(reader.read(rows[2]!.cam!).data)).toEqual([8, 8.5, 9, 9.5]);
    reader.close();
    expect(readRunJson(dir).status).toBe('complete');
  });

  it('refuses to create over an existing run', () => {
    const dir = newDir();
    RunWriter.create(dir, runJson()).close();
    expect(() => RunWriter.create(dir, runJson())).toThrow(/already holds a run: pass --resume/);
  });

  it('reopens after a crash: drops the partial line and unreferenced grid bytes, keeps the rest', async () => {
    const dir = newDir();
    const w = RunWriter.create(dir, runJson());
    w.appendBatch([{ idx: 0, id: 'a' }], [grid(1)]);
    w.close();
    // A crash in the middle of the next batch: grids written, line half written.
    appendFileSync(path.join(dir, FILES.cams), Buffer.alloc(8, 0x3c));
    appendFileSync(path.join(dir, FILES.instances), '{"idx":1,"id":"b","cam":{"off');
    const { writer, rows } = await RunWriter.reopen(dir);
    expect(rows.map((r) => r.id)).toEqual(['a']);
    expect(statSync(path.join(dir, FILES.cams)).size).toBe(8);
    writer.appendBatch([{ idx: 1, id: 'b' }], [grid(3)]);
    writer.close();
    const lines = readFileSync(path.join(dir, FILES.instances), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['a', 'b']);
    expect(JSON.parse(lines[1]!).cam.offset).toBe(4);
    const reader = new CamReader(dir);
    expect(Array.from(reader.read({ offset: 4, h: 2, w: 2 }).data)).toEqual([3, 3.5, 4, 4.5]);
    reader.close();
  });

  it('reports a damaged run whose grids are missing', async () => {
    const dir = newDir();
    const w = RunWriter.create(dir, runJson());
    w.appendBatch([{ idx: 0, id: 'a' }], [grid(1)]);
    w.close();
    const fd = (await import('node:fs')).openSync(path.join(dir, FILES.cams), 'r+');
    (await import('node:fs')).ftruncateSync(fd, 2);
    await expect(RunWriter.reopen(dir)).rejects.toThrow(/damaged/);
  });
});
