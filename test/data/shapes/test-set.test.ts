import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest, type Instance } from '../../../src/data/manifest.js';
import { SHAPES_VERSION } from '../../../src/data/shapes/options.js';
import { ensureShapesTestSet, SHAPES_TEST_SET, shapesTestSetDir } from '../../../src/data/shapes/test-set.js';
import { isUnambiguous, parsePhrase, type CheckedObject } from './phrase-checker.js';

const root = mkdtempSync(path.join(tmpdir(), 'groundcam-shapes-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function readAll(file: string): Promise<Instance[]> {
  const rows: Instance[] = [];
  for await (const e of readManifest(file)) {
    if (!e.ok) throw new Error(`${file}:${e.line}: ${e.error}`);
    rows.push(e.instance);
  }
  return rows;
}

describe('ensureShapesTestSet', () => {
  const cache = path.join(root, 'one');

  it('generates the canonical test split once, into a versioned folder, and reuses it', async () => {
    const generated: number[] = [];
    const manifest = await ensureShapesTestSet(cache, { onGenerated: (r) => generated.push(r.images) });
    expect(manifest).toBe(path.join(cache, `shapes-test-${SHAPES_VERSION}`, 'manifest.jsonl'));
    expect(path.dirname(manifest)).toBe(shapesTestSetDir(cache));
    expect(generated).toEqual([SHAPES_TEST_SET.n]);
    expect(readdirSync(cache)).toEqual([`shapes-test-${SHAPES_VERSION}`]); // no temporary folder left
    expect(readdirSync(path.join(cache, `shapes-test-${SHAPES_VERSION}`, 'images'))).toHaveLength(SHAPES_TEST_SET.n);

    const before = statSync(manifest).mtimeMs;
    const again = await ensureShapesTestSet(cache, { onGenerated: (r) => generated.push(r.images) });
    expect(again).toBe(manifest);
    expect(generated).toEqual([SHAPES_TEST_SET.n]);
    expect(statSync(manifest).mtimeMs).toBe(before);
  });

  it('holds about three unambiguous phrases per image, every one checked from the manifest alone', async () => {
    const rows = await readAll(path.join(shapesTestSetDir(cache), 'manifest.jsonl'));
    expect(rows.length).toBeGreaterThan(2.6 * SHAPES_TEST_SET.n);
    expect(rows.length).toBeLessThan(3.3 * SHAPES_TEST_SET.n);
    const bad = rows.filter((r) => {
      const p = parsePhrase(r.phrase);
      return p === null || !isUnambiguous(p, (r.meta as { objects: CheckedObject[] }).objects, r.width!, r.height!);
    });
    expect(bad.map((r) => `${r.id} ${r.phrase}`)).toEqual([]);
    const templates = new Set(rows.map((r) => (r.meta as { template: string }).template));
    expect(templates.size).toBe(6);
  });

  it('survives two callers racing to create it: one complete folder, no leftovers', async () => {
    const race = path.join(root, 'race');
    const [m1, m2] = await Promise.all([ensureShapesTestSet(race), ensureShapesTestSet(race)]);
    expect(m1).toBe(m2);
    expect(readdirSync(race)).toEqual([`shapes-test-${SHAPES_VERSION}`]);
    expect(await readAll(m1)).toHaveLength((await readAll(path.join(shapesTestSetDir(cache), 'manifest.jsonl'))).length);
  });
});

describe('ensureShapesTestSet with an unusable cache folder', () => {
  it('says which folder and what to do', async () => {
    const file = path.join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(ensureShapesTestSet(path.join(file, 'cache'))).rejects.toThrow(/cache folder .*not-a-folder.*set GROUNDCAM_CACHE/);
  });
});
