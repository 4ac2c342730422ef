import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupByImage, loadDataset, parseShard, planBatches, selectShard, shardFromEnv } from '../../src/runs/dataset.js';

const inst = (id: string, image: string) => ({ id, imagePath: image });

describe('sharding', () => {
  it('parses i/n (1-based) and refuses nonsense', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/1\.\.n/);
    expect(() => parseShard('5/4')).toThrow();
    expect(() => parseShard('x')).toThrow(/expected i\/n/);
  });

  it('reads Slurm array variables', () => {
    expect(shardFromEnv({})).toBeNull();
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 3, count: 4 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 3, count: 4 });
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/not a valid shard/);
  });

  it('splits by whole images; shards are disjoint and cover everything', () => {
    const all = [inst('a', 'x'), inst('b', 'y'), inst('c', 'x'), inst('d', 'z'), inst('e', 'w'), inst('f', 'y')];
    const shards = [0, 1, 2].map((index) => selectShard(all, { index, count: 3 }).map((i) => i.id));
    expect(shards).toEqual([['a', 'c', 'e'], ['b', 'f'], ['d']]);
    expect(shards.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('grouping and batches', () => {
  const all = [inst('a', 'x'), inst('b', 'y'), inst('c', 'x'), inst('d', 'z'), inst('e', 'x')];

  it('groups by image in order of first appearance', () => {
    expect(groupByImage(all).map((g) => g.map((i) => i.id))).toEqual([['a', 'c', 'e'], ['b'], ['d']]);
  });

  it('packs whole images, splitting only an image with more phrases than a batch', () => {
    const batches = planBatches(groupByImage(all), 2, 8);
    expect(batches.map((b) => b.images)).toEqual([['x'], ['y', 'z']]);
    expect(batches[0]!.chunks.map((c) => c.map(([i, x]) => `${i}${x.id}`))).toEqual([['0a', '0c'], ['0e']]);
    expect(batches[1]!.chunks.map((c) => c.map(([i, x]) => `${i}${x.id}`))).toEqual([['0b', '1d']]);
    const byImages = planBatches(groupByImage(all), 32, 1);
    expect(byImages.map((b) => b.images)).toEqual([['x'], ['y'], ['z']]);
  });
});

describe('loadDataset', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gc-ds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps good lines, reports bad ones with file:line, infers name and split', async () => {
    const file = path.join(dir, 'm.jsonl');
    const row = (id: string) => JSON.stringify({ id, image: 'img.png', width: 4, height: 4, phrase: 'p', boxes: [[0, 0, 1, 1]] });
    writeFileSync(file, [row('refcoco+/testA/1/0'), '{oops', row('refcoco+/testA/1/1'), row('refcoco+/testA/1/0')].join('\n') + '\n');
    const ds = await loadDataset(file);
    expect(ds.instances.map((i) => [i.idx, i.id])).toEqual([[0, 'refcoco+/testA/1/0'], [1, 'refcoco+/testA/1/1']]);
    expect(ds.badLines).toHaveLength(2);
    expect(ds.badLines[0]).toMatch(/m\.jsonl:2: not valid JSON/);
    expect(ds.badLines[1]).toMatch(/m\.jsonl:4: duplicate id/);
    expect([ds.name, ds.split]).toEqual(['refcoco+', 'testA']);
    expect(ds.instances[0]!.imagePath).toBe(path.join(dir, 'img.png'));
  });
});
