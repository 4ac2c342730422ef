import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINE_OPTIONS } from '../../src/cam/baselines.js';
import { generateShapes } from '../../src/data/shapes/index.js';
import { resolveMetricOptions } from '../../src/metrics/options.js';
import { loadDataset } from '../../src/runs/dataset.js';
import { evaluate, type EvalOptions, type RunProgress } from '../../src/runs/evaluate.js';
import { readInstances, readRunJson, CamReader, type InstanceRow } from '../../src/runs/store.js';

const toyDir = fileURLToPath(new URL('../../fixtures/models/toy', import.meta.url));

describe('evaluate (toy model and baselines on generated shapes)', () => {
  let dir: string;
  let manifest: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gc-eval-'));
    manifest = path.join(dir, 'data', 'm.jsonl');
    await generateShapes({ split: 'val', n: 6, seed: 3, imagesDir: path.join(dir, 'data', 'images'), out: manifest });
    // Instances that cannot be scored, each for its own reason.
    const img = JSON.parse(readFileSync(manifest, 'utf8').split('\n')[0]!) as { image: string; width: number; height: number };
    const row = (id: string, o: object) => JSON.stringify({ id, image: img.image, width: img.width, height: img.height, phrase: 'the red circle', boxes: [[1, 1, 30, 30]], ...o });
    appendFileSync(
      manifest,
      [
        row('bad/missing-image', { image: 'images/nope.png' }),
        row('bad/empty-phrase', { phrase: '?!.' }),
        row('bad/wrong-size', { width: img.width + 1 }),
        row('bad/box-outside', { boxes: [[-50, -50, -10, -10]] }),
      ].join('\n') + '\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = async (over: Partial<EvalOptions> = {}): Promise<EvalOptions> => ({
    jobs: [{ kind: 'model', dir: toyDir }, { kind: 'baseline', name: 'centre' }],
    dataset: await loadDataset(manifest),
    runsDir: path.join(dir, 'runs'),
    resume: false,
    shard: null,
    limit: null,
    batchSize: 4,
    imagesPerBatch: 2,
    devices: [{ kind: 'cpu' }],
    threads: 1,
    verbose: false,
    tokens: null,
    maskBatch: 8,
    metrics: resolveMetricOptions(),
    baseline: DEFAULT_BASELINE_OPTIONS,
    ...over,
  });
  const rowsOf = async (runDir: string) => {
    const rows: InstanceRow[] = [];
    for await (const r of readInstances(runDir)) rows.push(r);
    return rows.sort((a, b) => a.idx - b.idx);
  };

  it('writes one row per instance with metrics, errors and invalid reasons, and a summary', async () => {
    const events: RunProgress[] = [];
    const [model, centre] = await evaluate(await options(), (p) => events.push(p), new AbortController().signal);
    expect(model!.status).toBe('complete');
    const rows = await rowsOf(model!.runDir);
    const total = (await loadDataset(manifest)).instances.length;
    expect(rows).toHaveLength(total);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get('bad/missing-image')!.error).toMatch(/image file is missing/);
    expect(byId.get('bad/empty-phrase')!.error).toMatch(/tokenises to nothing/);
    expect(byId.get('bad/wrong-size')!.error).toMatch(/manifest says/);
    expect(byId.get('bad/box-outside')!.invalid).toBeTruthy();
    const scored = rows.filter((r) => r.error === undefined && r.invalid === undefined);
    expect(scored.length).toBe(total - 4);
    for (const r of scored) {
      expect(r).toMatchObject({ model: 'toy', method: 'attention-gradcam', layer: 0, tokens: 'all', dataset: 'shapes', split: 'val' });
      expect(typeof r.pg_hit).toBe('number');
      expect(r.cam).toMatchObject({ h: 4, w: 4 });
    }
    expect(model!.summary).toMatchObject({ n: total - 4, n_invalid: 1, n_errors: 3 });
    const summaryFile = JSON.parse(readFileSync(path.join(model!.runDir, 'summary.json'), 'utf8')) as { n: number };
    expect(summaryFile.n).toBe(total - 4);
    expect(readRunJson(model!.runDir).status).toBe('complete');
    // The baseline needs no pixels: the missing image and wrong size do not matter to it.
    expect(centre!.summary).toMatchObject({ n: total - 1, n_invalid: 1, n_errors: 0 });
    expect(events.some((e) => e.job === 0 && e.status === 'running' && e.done > 0 && e.done < total)).toBe(true);
  });

  it('stores the grid the metrics were computed from (float16)', async () => {
    const [model] = await evaluate(await options({ jobs: [{ kind: 'model', dir: toyDir }] }), () => {}, new AbortController().signal);
    const rows = await rowsOf(model!.runDir);
    const reader = new CamReader(model!.runDir);
    const r = rows.find((x) => x.cam)!;
    const grid = reader.read(r.cam!);
    reader.close();
    expect(grid.data.length).toBe(16);
    expect(grid.data.some((v) => v !== 0)).toBe(true);
  });

  it('stops between batches when aborted and resumes to the same results as an uninterrupted run', async () => {
    const full = (await evaluate(await options({ jobs: [{ kind: 'model', dir: toyDir }] }), () => {}, new AbortController().signal))[0]!;
    const controller = new AbortController();
    const partial = (
      await evaluate(
        await options({ jobs: [{ kind: 'model', dir: toyDir }], runsDir: path.join(dir, 'runs2') }),
        (p) => {
          if (p.done >= 4) controller.abort();
        },
        controller.signal,
      )
    )[0]!;
    expect(partial.status).toBe('interrupted');
    const partialRows = await rowsOf(partial.runDir);
    expect(partialRows.length).toBeGreaterThan(0);
    expect(partialRows.length).toBeLessThan(full.summary.n + 4);
    const resumed = (await evaluate(await options({ jobs: [{ kind: 'model', dir: toyDir }], runsDir: path.join(dir, 'runs2'), resume: true }), () => {}, new AbortController().signal))[0]!;
    expect(resumed.runDir).toBe(partial.runDir);
    expect(resumed.status).toBe('complete');
    const strip = (rows: InstanceRow[]) => rows.map(({ cam: _cam, ...rest }) => rest);
    expect(strip(await rowsOf(resumed.runDir))).toEqual(strip(await rowsOf(full.runDir)));
    expect(resumed.summary).toEqual(full.summary);
  });

  it('refuses to resume a run made with other options', async () => {
    const controller = new AbortController();
    const [r] = await evaluate(await options({ jobs: [{ kind: 'baseline', name: 'random' }], runsDir: path.join(dir, 'runs3') }), (p) => p.done > 0 && controller.abort(), controller.signal);
    await expect(
      evaluate(await options({ jobs: [{ kind: 'baseline', name: 'random' }], resume: [r!.runDir], metrics: resolveMetricOptions({ pgTolerance: 15 }) }), () => {}, new AbortController().signal),
    ).rejects.toThrow(/another configuration/);
  });
});

describe('evaluate with several inference workers', () => {
  it('gives the same rows with two workers as with one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gc-eval2-'));
    try {
      const manifest = path.join(dir, 'm.jsonl');
      await generateShapes({ split: 'val', n: 8, seed: 9, imagesDir: path.join(dir, 'images'), out: manifest });
      const base: EvalOptions = {
        jobs: [{ kind: 'model', dir: toyDir }],
        dataset: await loadDataset(manifest),
        runsDir: path.join(dir, 'runs'),
        resume: false,
        shard: null,
        limit: null,
        batchSize: 3,
        imagesPerBatch: 1,
        devices: [{ kind: 'cpu' }],
        threads: 1,
        verbose: false,
        tokens: null,
        maskBatch: 8,
        metrics: resolveMetricOptions(),
        baseline: DEFAULT_BASELINE_OPTIONS,
      };
      const one = (await evaluate(base, () => {}, new AbortController().signal))[0]!;
      const two = (await evaluate({ ...base, devices: [{ kind: 'cpu' }, { kind: 'cpu' }] }, () => {}, new AbortController().signal))[0]!;
      const rows = async (d: string) => {
        const out: InstanceRow[] = [];
        for await (const r of readInstances(d)) out.push(r);
        return out.sort((a, b) => a.idx - b.idx).map(({ cam: _c, ...r }) => r);
      };
      expect(await rows(two.runDir)).toEqual(await rows(one.runDir));
      expect(two.summary).toEqual(one.summary);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
