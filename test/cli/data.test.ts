// End-to-end: the real CLI (`node bin/groundcam.js`, built by `npm test`) on the fixture datasets.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readManifest, type ManifestRow } from '../../src/data/manifest.js';
import { COCO_IMAGES, FLICKR, FLICKR_IMAGES, REFER, REPO, SPATIALSENSE, collect, tempDir } from '../helpers/fixtures.js';
import {
  FLICKR_TEST,
  FLICKR_TEST_MERGED,
  REFCOCOG_GOOGLE_VAL,
  REFCOCOG_UMD,
  REFCOCO_PLUS,
  SPATIALSENSE_EXPECTED,
} from '../data/importers/expected.js';

const run = promisify(execFile);

async function groundcam(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(REPO, 'bin', 'groundcam.js'), ...args], { cwd: REPO });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The manifest's rows with image paths resolved as every command resolves them. */
async function rowsOf(file: string): Promise<ManifestRow[]> {
  const rows: ManifestRow[] = [];
  for (const e of await collect(readManifest(file))) {
    if (!e.ok) throw new Error(`${file}:${e.line}: ${e.error}`);
    const { line: _line, imagePath, heatmapPath: _h, ...row } = e.instance;
    rows.push({ ...row, image: imagePath });
  }
  return rows;
}

describe('groundcam data import', () => {
  it('refcoco+ testA: writes the expected instances and prints read/kept/skipped', async () => {
    const out = path.join(tempDir(), 'refcoco+-testA.jsonl');
    const r = await groundcam('data', 'import', 'refcoco+', '--refer-dir', path.join(REFER, 'refcoco+'), '--images', COCO_IMAGES, '--split', 'testA', '--out', out);
    expect(r.code).toBe(0);
    expect(await rowsOf(out)).toEqual(REFCOCO_PLUS.testA);
    expect(r.stdout).toMatch(/read\s+47\s+refs in refs\(unc\)\.p/);
    expect(r.stdout).toMatch(/kept\s+4\s+instances/);
    expect(r.stdout).toMatch(/skipped\s+1\s+sentences whose ann_id is not in instances\.json\s+\(e\.g\. ref 15, ann 999\)/);
    expect(r.stdout).toMatch(/skipped\s+1\s+sentences with an empty "sent"/);
    expect(r.stdout).toContain(`wrote 4 instance(s) to ${out}`);
  });

  it('refcoco+ testB --json: the report as JSON, the box past the edge noted', async () => {
    const out = path.join(tempDir(), 'b.jsonl');
    const r = await groundcam('data', 'import', 'refcoco+', '--refer-dir', REFER, '--images', COCO_IMAGES, '--split', 'testB', '--out', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ kept: 3, written: 3, skipped: {}, out });
    expect(report.notes['boxes reaching outside their image (kept as given; the metrics clip)'].count).toBe(1);
    expect(await rowsOf(out)).toEqual(REFCOCO_PLUS.testB);
  });

  it('refcocog uses refs(umd).p unless --split-by says otherwise', async () => {
    const dir = tempDir();
    const a = await groundcam('data', 'import', 'refcocog', '--refer-dir', REFER, '--images', COCO_IMAGES, '--split', 'test', '--out', path.join(dir, 'a.jsonl'));
    expect(a.code).toBe(0);
    expect(await rowsOf(path.join(dir, 'a.jsonl'))).toEqual(REFCOCOG_UMD.test);
    const g = await groundcam('data', 'import', 'refcocog', '--refer-dir', REFER, '--images', COCO_IMAGES, '--split', 'val', '--split-by', 'google', '--out', path.join(dir, 'g.jsonl'));
    expect(g.code).toBe(0);
    expect(await rowsOf(path.join(dir, 'g.jsonl'))).toEqual(REFCOCOG_GOOGLE_VAL);
  });

  it('flickr30k test, with and without --merge-boxes', async () => {
    const dir = tempDir();
    const r = await groundcam('data', 'import', 'flickr30k', '--root', FLICKR, '--images', FLICKR_IMAGES, '--split', 'test', '--out', path.join(dir, 'f.jsonl'));
    expect(r.code).toBe(0);
    expect(await rowsOf(path.join(dir, 'f.jsonl'))).toEqual(FLICKR_TEST);
    expect(r.stdout).toMatch(/read\s+17\s+phrases/);
    expect(r.stdout).toMatch(/kept\s+12\s+instances/);
    expect(r.stdout).toMatch(/skipped\s+2\s+phrases whose chain is marked nobndbox/);
    const m = await groundcam('data', 'import', 'flickr30k', '--root', FLICKR, '--images', FLICKR_IMAGES, '--merge-boxes', '--out', path.join(dir, 'm.jsonl'));
    expect(m.code).toBe(0);
    expect(await rowsOf(path.join(dir, 'm.jsonl'))).toEqual(FLICKR_TEST_MERGED);
  });

  it.each(['triplet', 'subject', 'object'] as const)('spatialsense --prompt %s', async (prompt) => {
    const out = path.join(tempDir(), 's.jsonl');
    const r = await groundcam('data', 'import', 'spatialsense', '--root', SPATIALSENSE, '--prompt', prompt, '--out', out);
    expect(r.code).toBe(0);
    expect(await rowsOf(out)).toEqual(SPATIALSENSE_EXPECTED.test[prompt]);
    expect(r.stdout).toMatch(/skipped\s+1\s+relations with label false/);
  });

  it('--paths relative writes paths relative to the manifest folder', async () => {
    const out = path.join(tempDir(), 'r.jsonl');
    const r = await groundcam('data', 'import', 'spatialsense', '--root', SPATIALSENSE, '--prompt', 'subject', '--out', out, '--paths', 'relative');
    expect(r.code).toBe(0);
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!);
    expect(path.isAbsolute(first.image)).toBe(false);
    expect(path.resolve(path.dirname(out), first.image)).toBe(SPATIALSENSE_EXPECTED.test.subject[0]!.image);
  });

  it('clear errors: no refs file (exit 2), an unknown split (commander, exit 1)', async () => {
    const out = path.join(tempDir(), 'x.jsonl');
    const a = await groundcam('data', 'import', 'refcoco+', '--refer-dir', FLICKR, '--images', COCO_IMAGES, '--split', 'testA', '--out', out);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^groundcam: no refs\(unc\)\.p in /);
    const b = await groundcam('data', 'import', 'refcoco+', '--refer-dir', REFER, '--images', COCO_IMAGES, '--split', 'testZ', '--out', out);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("option '--split <split>' argument 'testZ' is invalid");
  });
});

describe('groundcam data validate', () => {
  it('passes imported manifests whose images are present and boxes inside (exit 0)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'f.jsonl');
    await groundcam('data', 'import', 'flickr30k', '--root', FLICKR, '--images', FLICKR_IMAGES, '--out', out);
    const r = await groundcam('data', 'validate', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('12 line(s), 12 valid instance(s), 2 distinct image(s) (all opened)');
    expect(r.stdout).toContain('OK: no problems found.');
  });

  it('fails on a box outside its image, naming the line (exit 1); --tolerance and --json', async () => {
    const out = path.join(tempDir(), 'b.jsonl');
    await groundcam('data', 'import', 'refcoco+', '--refer-dir', REFER, '--images', COCO_IMAGES, '--split', 'testB', '--out', out);
    const r = await groundcam('data', 'validate', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1  instances with a box reaching outside the image');
    expect(r.stdout).toContain('line 3 (refcoco+/testB/13/1005): box 0 [30.5, 10, 42.75, 18] outside 40×30');
    const t = await groundcam('data', 'validate', out, '--tolerance', '3', '--json');
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ ok: true, instances: 3, images: 2 });
  });

  it('a missing manifest is one clear message (exit 2)', async () => {
    const r = await groundcam('data', 'validate', '/nonexistent/m.jsonl');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('groundcam: /nonexistent/m.jsonl: no such file');
  });
});
