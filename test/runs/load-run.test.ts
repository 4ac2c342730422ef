import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseRecords } from '../../src/metrics/aggregate.js';
import { expandRunDirs, imagePathOf, loadRun, recordsOf, rowState, runLabel } from '../../src/runs/load-run.js';
import { writeRun } from '../helpers/make-run.js';
import { makeScenario, scenarioInstances, type Scenario } from '../report/scenario.js';

describe('loadRun', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await makeScenario();
  });
  afterAll(() => rmSync(s.root, { recursive: true, force: true }));

  it('reads a complete run: rows in manifest order, summary.json, labels, image paths', async () => {
    const run = await loadRun(s.a);
    expect(run.rows.map((r) => r.idx)).toEqual([...run.rows.keys()]);
    expect(run.rows[0]!.id).toBe('set/miss');
    expect(run.summarySource).toBe('summary.json');
    expect(run.summary.n).toBe(7);
    expect(run.summary.n_invalid).toBe(1);
    expect(run.summary.n_errors).toBe(1);
    expect(runLabel(run.config)).toBe('testnet');
    expect(imagePathOf(run, run.rows[0]!)).toBe(path.join(s.dataDir, 'images', 'img-0.png'));
    expect(run.rows.map(rowState).slice(0, 5)).toEqual(['scored', 'scored', 'scored', 'invalid', 'error']);
    expect(runLabel((await loadRun(s.b)).config)).toBe('centre (baseline)');
  });

  it('recomputes the summary of an unfinished run from its rows', async () => {
    const inst = scenarioInstances().slice(0, 4);
    const dir = writeRun(inst, { dataDir: s.dataDir, runDir: path.join(s.root, 'runs', 'partial'), status: 'interrupted', total: 9 }).dir;
    const run = await loadRun(dir);
    expect(run.summarySource).toBe('recomputed');
    expect(run.summary).toEqual({ ...summariseRecords(recordsOf(run.rows)), n_errors: 0 });
    expect(run.summary.n).toBe(3);
    rmSync(dir, { recursive: true });
  });

  it('expands a folder of runs and names what is not a run', () => {
    expect(expandRunDirs([path.join(s.root, 'runs')])).toEqual([s.a, s.b]);
    expect(expandRunDirs([s.b, s.a])).toEqual([s.b, s.a]);
    expect(() => expandRunDirs([s.dataDir])).toThrow(/not a groundcam run \(no run\.json\) and holds no run folders/);
    expect(() => expandRunDirs([path.join(s.root, 'nope')])).toThrow(/no such run folder/);
  });
});
