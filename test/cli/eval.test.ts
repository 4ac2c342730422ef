// `groundcam eval` end to end, as a user runs it: the real CLI on the toy contract model and generated
// shapes data; a run killed with SIGKILL and resumed equals an uninterrupted one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateShapes } from '../../src/data/shapes/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/groundcam.js');
const TOY = path.join(ROOT, 'fixtures/models/toy');

function groundcam(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const rowsOf = (runDir: string) =>
  readFileSync(path.join(runDir, 'instances.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ cam: _cam, ...rest }) => rest)
    .sort((a, b) => (a.idx as number) - (b.idx as number));

describe('groundcam eval', () => {
  let dir: string;
  let manifest: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gc-eval-cli-'));
    manifest = path.join(dir, 'data', 'm.jsonl');
    await generateShapes({ split: 'val', n: 60, seed: 5, imagesDir: path.join(dir, 'data', 'images'), out: manifest });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates a model and a baseline, printing the table (no TTY) and JSON with --json', () => {
    const runs = path.join(dir, 'runs-a');
    const r = groundcam(['eval', '--model', TOY, '--baseline', 'centre', '--dataset', manifest, '--runs-dir', runs, '--limit', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/groundcam eval · shapes\/val/);
    expect(r.stdout).toMatch(/PG acc %\s+\S+/);
    expect(r.stdout).toMatch(/^run: .*shapes_val_toy_attention-gradcam-all_/m);
    expect(r.stderr).toMatch(/toy: 20\/20 \(100%\).*complete →/);
    const j = groundcam(['eval', '--model', TOY, '--baseline', 'centre', '--dataset', manifest, '--runs-dir', runs, '--limit', '20', '--json']);
    expect(j.code, j.stderr).toBe(0);
    const out = JSON.parse(j.stdout) as { runs: Record<string, unknown>[] };
    expect(out.runs.map((x) => x.method)).toEqual(['attention-gradcam', 'baseline:centre']);
    for (const run of out.runs) {
      expect(run).toMatchObject({ dataset: 'shapes', split: 'val', n: 20, status: 'complete' });
      for (const k of ['pg_acc', 'pg_unc', 'iou_soft', 'iou_bin', 'dice_soft', 'dice_bin', 'io_ratio', 'wdp_soft', 'wdp_bin']) expect(typeof run[k]).toBe('number');
      expect(existsSync(path.join(run.run_dir as string, 'summary.json'))).toBe(true);
    }
  });

  it('continues a run killed with SIGKILL, losing nothing and scoring nothing twice', async () => {
    const args = ['eval', '--model', TOY, '--dataset', manifest, '--batch-size', '1', '--images-per-batch', '1', '--threads', '1', '--no-tui'];
    const full = groundcam([...args, '--runs-dir', path.join(dir, 'full')]);
    expect(full.code, full.stderr).toBe(0);
    const fullDir = path.join(dir, 'full', readdirSync(path.join(dir, 'full'))[0]!);

    const killedRuns = path.join(dir, 'killed');
    const child = spawn(process.execPath, [BIN, ...args, '--runs-dir', killedRuns], { cwd: ROOT, stdio: 'ignore' });
    // Kill it once some rows are on disk.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (!existsSync(killedRuns)) return;
        const sub = readdirSync(killedRuns)[0];
        const file = sub && path.join(killedRuns, sub, 'instances.jsonl');
        if (file && existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 10) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
      child.on('error', reject);
    });
    await new Promise((r) => child.on('close', r));
    const killedDir = path.join(killedRuns, readdirSync(killedRuns)[0]!);
    const before = rowsOf(killedDir).length;
    const total = rowsOf(fullDir).length;
    expect(JSON.parse(readFileSync(path.join(killedDir, 'run.json'), 'utf8')).status).toBe('running');
    expect(before).toBeLessThan(total);

    const resumed = groundcam([...args, '--runs-dir', killedRuns, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readdirSync(killedRuns)).toHaveLength(1);
    const rows = rowsOf(killedDir);
    expect(rows).toEqual(rowsOf(fullDir));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const summary = (d: string) => {
      const { run_dir: _r, config: _c, ...s } = JSON.parse(readFileSync(path.join(d, 'summary.json'), 'utf8')) as Record<string, unknown>;
      return s;
    };
    expect(summary(killedDir)).toEqual(summary(fullDir));
  });

  it('evaluates shards (also from Slurm variables) that merge into the unsharded run', () => {
    const args = ['eval', '--model', TOY, '--dataset', manifest, '--limit', '30', '--json'];
    const whole = JSON.parse(groundcam([...args, '--runs-dir', path.join(dir, 'whole')]).stdout) as { runs: { run_dir: string }[] };
    const shards = [1, 2, 3].map((i) => {
      const r = i === 3
        ? groundcam([...args, '--runs-dir', path.join(dir, 'shards')], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' })
        : groundcam([...args, '--shard', `${i}/3`, '--runs-dir', path.join(dir, 'shards')]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { runs: { run_dir: string }[] }).runs[0]!.run_dir;
    });
    expect(new Set(shards).size).toBe(3);
    const out = path.join(dir, 'merged');
    const m = groundcam(['merge', ...shards, '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/merged 3 shard\(s\)/);
    const strip = (rows: Record<string, unknown>[]) => rows;
    expect(strip(rowsOf(out))).toEqual(strip(rowsOf(whole.runs[0]!.run_dir)));
    const summary = (d: string) => {
      const { run_dir: _r, config: _c, ...s } = JSON.parse(readFileSync(path.join(d, 'summary.json'), 'utf8')) as Record<string, unknown>;
      return s;
    };
    expect(summary(out)).toEqual(summary(whole.runs[0]!.run_dir));
    const again = groundcam(['merge', shards[0]!, shards[1]!, '--out', path.join(dir, 'merged2')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/shard 3\/3 is missing/);
  });

  it('says what is wrong with bad arguments', () => {
    expect(groundcam(['eval', '--baseline', 'middle', '--dataset', manifest]).stderr).toMatch(/--baseline middle: expected one of centre, uniform, random/);
    expect(groundcam(['eval', '--model', 'no-such-model', '--dataset', manifest]).stderr).toMatch(/--model no-such-model: no such model folder/);
    const r = groundcam(['eval', '--baseline', 'centre', '--dataset', path.join(dir, 'nope.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.jsonl: no such file/);
  });
});

describe('groundcam eval with no arguments (the README quick start)', () => {
  it('evaluates the bundled model and the centre baseline on the shapes test split; the model points far better', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gc-eval-default-'));
    try {
      const r = groundcam(['eval', '--json', '--runs-dir', path.join(dir, 'runs')], { GROUNDCAM_CACHE: path.join(dir, 'cache') });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/generated the shapes test split \(200 images, 584 phrases\)/);
      const out = JSON.parse(r.stdout) as { runs: Record<string, number | string>[] };
      const [model, centre] = out.runs;
      expect(model).toMatchObject({ model: 'albef-shapes', method: 'attention-gradcam', dataset: 'shapes', split: 'test', n: 584, status: 'complete' });
      expect(centre).toMatchObject({ method: 'baseline:centre', n: 584, status: 'complete' });
      // The bar: at least 20 points of pointing game above the centre prior (measured: 60.3 vs 2.4).
      expect(model!.pg_acc as number).toBeGreaterThanOrEqual((centre!.pg_acc as number) + 20); // both in %
      // The figures TRAINING.md reports from PyTorch are what the evaluator computes from the ONNX graphs.
      const log = JSON.parse(readFileSync(path.join(ROOT, 'models/albef-shapes/training-log.json'), 'utf8')) as { test: { pg_model: number; n: number } };
      expect(log.test.n).toBe(584);
      expect(model!.pg_acc as number).toBeCloseTo(log.test.pg_model, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
