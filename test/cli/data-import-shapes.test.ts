// End to end: the real CLI (`node bin/groundcam.js data import shapes ...`, after `npm run build`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureShapesTestSet } from '../../src/data/shapes/test-set.js';

const BIN = fileURLToPath(new URL('../../bin/groundcam.js', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'groundcam-shapes-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function groundcam(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const rowsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; image: string; phrase: string; boxes: number[][]; meta: { template: string } });

describe('groundcam data import shapes', () => {
  it('writes images and a manifest, prints its report on stderr and nothing on stdout', async () => {
    const r = await groundcam('data', 'import', 'shapes', '--n', '6', '--split', 'val', '--seed', '5', '--out', 'a/val.jsonl');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/wrote 6 images and \d+ phrases \(val split, seed 5\)/);
    expect(r.stderr).toContain('the {size} {color} {shape}');
    expect(readdirSync(path.join(root, 'a', 'images')).sort()).toEqual(
      Array.from({ length: 6 }, (_, k) => `val-00000${k}.png`),
    );
    const rows = rowsOf(path.join(root, 'a', 'val.jsonl'));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows[0]!.id).toBe('shapes/val/0/0');
    expect(rows.every((row) => /^images\/val-\d{6}\.png$/.test(row.image))).toBe(true);
    expect(rows.map((row) => row.phrase).every((p) => p.startsWith('the '))).toBe(true);
  });

  it('is deterministic across runs; --images elsewhere gives absolute paths; --json prints the report', async () => {
    const r = await groundcam('data', 'import', 'shapes', '--n', '6', '--split', 'val', '--seed', '5', '--out', 'b/val.jsonl', '--images', 'pix', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { images: number; instances: number; split: string; imagesDir: string };
    expect(report.images).toBe(6);
    expect(report.split).toBe('val');
    expect(report.imagesDir).toBe(path.join(root, 'pix'));
    const a = rowsOf(path.join(root, 'a', 'val.jsonl'));
    const b = rowsOf(path.join(root, 'b', 'val.jsonl'));
    expect(report.instances).toBe(b.length);
    expect(b.every((row) => row.image === path.join(root, 'pix', path.basename(row.image)))).toBe(true);
    expect(b.map(({ image: _, ...row }) => row)).toEqual(a.map(({ image: _, ...row }) => row));
    expect(readFileSync(path.join(root, 'pix', 'val-000003.png'))).toEqual(readFileSync(path.join(root, 'a', 'images', 'val-000003.png')));
  });

  it('with defaults writes exactly the canonical test split that `eval` caches', async () => {
    const r = await groundcam('data', 'import', 'shapes', '--out', 'default/manifest.jsonl');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote 200 images .* \(test split, seed 0\)/);
    const cached = await ensureShapesTestSet(path.join(root, 'cache'));
    expect(readFileSync(path.join(root, 'default', 'manifest.jsonl'), 'utf8')).toBe(readFileSync(cached, 'utf8'));
  });

  it('rejects bad arguments with a message naming the option', async () => {
    const bad = await groundcam('data', 'import', 'shapes', '--n', 'many', '--out', 'c/x.jsonl');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--n <count>' argument 'many' is invalid");
    const split = await groundcam('data', 'import', 'shapes', '--split', 'dev', '--out', 'c/x.jsonl');
    expect(split.code).not.toBe(0);
    expect(split.stderr).toContain('Allowed choices are train, val, test');
    const noOut = await groundcam('data', 'import', 'shapes', '--n', '2');
    expect(noOut.code).not.toBe(0);
    expect(noOut.stderr).toContain("required option '--out <file>' not specified");
    expect(existsSync(path.join(root, 'c'))).toBe(false);
  });

  it('documents its options in --help', async () => {
    const r = await groundcam('data', 'import', 'shapes', '--help');
    expect(r.code).toBe(0);
    for (const opt of ['--out <file>', '--images <dir>', '--split <split>', '--n <count>', '--seed <int>', '--json']) expect(r.stdout).toContain(opt);
  });
});
