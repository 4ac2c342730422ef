// `groundcam score` end to end: the real CLI (built by `npm test`) on fixtures/score, whose expected
// records come from the numpy reference (test/reference/make_goldens.py).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/python.js';

const FIXTURES = path.join(ROOT, 'fixtures/score');
const EXACT = ['pg_hit', 'pg_uncertain', 'peaks', 'degenerate'];
const CONTINUOUS = ['iou_soft', 'iou_bin', 'dice_soft', 'dice_bin', 'io_ratio', 'wdp_soft', 'wdp_bin'];

function groundcam(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/groundcam.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readJsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const tmp = () => mkdtempSync(path.join(tmpdir(), 'groundcam-score-'));

describe('groundcam score', () => {
  it('writes records that agree with the numpy reference, in manifest order', () => {
    const out = path.join(tmp(), 'records.jsonl');
    const r = groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const got = readJsonl(out);
    const want = readJsonl(path.join(FIXTURES, 'expected.jsonl'));
    expect(got.map((g) => g.id)).toEqual(want.map((w) => w.id));
    got.forEach((g, k) => {
      const w = want[k]!;
      if ('invalid' in w) {
        expect(Object.keys(g)).toEqual(['id', 'invalid']);
        expect(typeof g.invalid).toBe('string');
        return;
      }
      expect(Object.keys(g)).toEqual(['id', ...['pg_hit', 'pg_uncertain', 'peaks', 'iou_soft', 'iou_bin', 'dice_soft', 'dice_bin', 'io_ratio', 'wdp_soft', 'wdp_bin', 'degenerate']]);
      for (const f of EXACT) expect(g[f], `${w.id} ${f}`).toBe(w[f]);
      for (const f of CONTINUOUS) expect(Math.abs((g[f] as number) - (w[f] as number)), `${w.id} ${f}`).toBeLessThanOrEqual(1e-9);
    });
    // the summary table, with the WDP note
    expect(r.stdout).toMatch(/instances: 11 scored, 6 invalid, 1 degenerate/);
    expect(r.stdout).toMatch(/pg_acc \(%\)\s+\d+\.\d\d\s+\[\d+\.\d\d, \d+\.\d\d\]/);
    expect(r.stdout).toMatch(/wdp_soft \*/);
    expect(r.stdout).toMatch(/not comparable/);
    // invalid instances are named on stderr with their line, and do not fail the run
    expect(r.stderr).toMatch(/manifest\.jsonl:14: instance "int-heatmap" not scored: heatmap heatmaps\/13\.npy: dtype is int64/);
    expect(r.stderr).toMatch(/manifest\.jsonl:17: instance "missing-heatmap" not scored: .*no such file/);
  });

  it('prints the summary as JSON with --json and writes CSV', () => {
    const out = path.join(tmp(), 'records.csv');
    const r = groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--out', out, '--json', '--pg-levels', '0', '--merge-boxes']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s.n).toBe(11);
    expect(s.n_invalid).toBe(6);
    expect(s.n_degenerate).toBe(1);
    for (const key of ['pg_acc', 'pg_unc', 'pg_unc_rate', ...CONTINUOUS, 'peaks']) expect(typeof s[key]).toBe('number');
    for (const key of ['pg_acc_ci', 'pg_unc_rate_ci', ...CONTINUOUS.map((m) => `${m}_ci`)]) expect((s[key] as number[]).length).toBe(2);
    expect(s.options).toMatchObject({ resize: 'bicubic', pgLevels: 0, mergeBoxes: true, pgTolerance: 0, resamples: 1000 });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,pg_hit,pg_uncertain,peaks,iou_soft,iou_bin,dice_soft,dice_bin,io_ratio,wdp_soft,wdp_bin,degenerate,invalid');
    expect(lines.length).toBe(18);
    expect(lines[1]).toMatch(/^random-0,[01],[01],\d+,[0-9.e-]+,.*,(true|false),$/);
    expect(lines.find((l) => l.startsWith('no-boxes,'))).toBe('no-boxes,,,,,,,,,,,,no boxes');
  });

  it('applies the options: tolerance can only add hits', () => {
    const plain = JSON.parse(groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--json']).stdout);
    const tolerant = JSON.parse(groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--json', '--pg-tolerance', '1000']).stdout);
    expect(tolerant.pg_acc).toBeGreaterThanOrEqual(plain.pg_acc);
    expect(tolerant.pg_acc).toBeCloseTo((100 * 10) / 11, 9); // every non-degenerate instance hits
    const nearest = JSON.parse(groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--json', '--resize', 'nearest']).stdout);
    expect(nearest.options.resize).toBe('nearest');
    expect(nearest.iou_soft).not.toBe(plain.iou_soft);
  });

  it('reports malformed lines with file:line, scores the others and exits 1', () => {
    const out = path.join(tmp(), 'r.jsonl');
    const r = groundcam(['score', '--manifest', 'malformed.jsonl', '--out', out], FIXTURES);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^malformed\.jsonl:2: not valid JSON/m);
    expect(r.stderr).toMatch(/^malformed\.jsonl:3: "boxes" must be a list/m);
    expect(r.stderr).toMatch(/^malformed\.jsonl:5: duplicate id "random-0" \(first on line 1\)/m);
    expect(r.stderr).toMatch(/3 malformed lines/);
    const recs = readJsonl(out);
    expect(recs.map((x) => x.id)).toEqual(['random-0', 'no-boxes-field', 'random-1', 'random-2']);
    expect(recs[1]!.invalid).toMatch(/malformed manifest line 3/);
  });

  it('fails clearly on a missing manifest or a bad option', () => {
    const dir = tmp();
    const missing = groundcam(['score', '--manifest', 'no/such.jsonl', '--out', path.join(dir, 'r.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('groundcam: no/such.jsonl: no such file');
    expect(existsSync(path.join(dir, 'r.jsonl'))).toBe(false);
    const badOut = groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--out', 'x.txt']);
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toMatch(/must end in \.jsonl .* or \.csv/);
    const badLevels = groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--pg-levels', '2.5']);
    expect(badLevels.code).not.toBe(0);
    expect(badLevels.stderr).toMatch(/--pg-levels needs an integer >= 0/);
    const badResize = groundcam(['score', '--manifest', path.join(FIXTURES, 'manifest.jsonl'), '--resize', 'lanczos']);
    expect(badResize.code).not.toBe(0);
    expect(badResize.stderr).toMatch(/Allowed choices are bicubic, bilinear, nearest/);
  });

  it('reads the image size from the image when the manifest has none, and needs no image otherwise', async () => {
    const dir = tmp();
    cpSync(path.join(FIXTURES, 'heatmaps'), path.join(dir, 'heatmaps'), { recursive: true });
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).png().toFile(path.join(dir, 'img.png'));
    const rows = [
      { id: 'sized-by-image', image: 'img.png', phrase: 'p', boxes: [[5, 5, 20, 20]], heatmap: 'heatmaps/00.npy' },
      { id: 'sized-by-manifest', image: 'absent.png', width: 40, height: 30, phrase: 'p', boxes: [[5, 5, 20, 20]], heatmap: 'heatmaps/00.npy' },
      { id: 'unknown-size', image: 'absent.png', phrase: 'p', boxes: [[5, 5, 20, 20]], heatmap: 'heatmaps/00.npy' },
      { id: 'no-heatmap', image: 'img.png', phrase: 'p', boxes: [[5, 5, 20, 20]] },
    ];
    writeFileSync(path.join(dir, 'm.jsonl'), rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const r = groundcam(['score', '--manifest', 'm.jsonl', '--out', 'r.jsonl'], dir);
    expect(r.code, r.stderr).toBe(0);
    const recs = readJsonl(path.join(dir, 'r.jsonl'));
    const { id: _a, ...byImage } = recs[0]!;
    const { id: _b, ...byManifest } = recs[1]!;
    expect(byImage).toEqual(byManifest);
    expect(recs[2]!.invalid).toMatch(/image size unknown/);
    expect(recs[3]!.invalid).toMatch(/no "heatmap"/);
  });
});
