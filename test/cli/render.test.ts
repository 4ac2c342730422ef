// `groundcam render` end to end on runs written by `groundcam eval`.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_PANEL_WIDTH, PANEL_GAP } from '../../src/report/figure.js';
import { OVERLAY_COLORS } from '../../src/report/overlay.js';
import { groundcam, makeToyRuns, type ToyRuns } from '../helpers/toy-runs.js';

const rowsOf = (dir: string) =>
  readFileSync(path.join(dir, 'instances.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { id: string; idx: number; iou_soft: number; width: number; height: number; argmax: [number, number]; image: string });

describe('groundcam render', () => {
  let t: ToyRuns;
  beforeAll(async () => {
    t = await makeToyRuns(20);
  });
  afterAll(() => rmSync(t.root, { recursive: true, force: true }));

  it('draws the n worst instances by a metric, numbered in order', async () => {
    const out = path.join(t.root, 'worst');
    const r = groundcam(['render', t.toy, '--worst', '3', '--by', 'iou_soft', '--out', out, '--text', 'bitmap']);
    expect(r.code, r.stderr).toBe(0);
    const rows = rowsOf(t.toy).sort((a, b) => a.iou_soft - b.iou_soft || a.idx - b.idx);
    const expected = rows.slice(0, 3).map((x, k) => `0${k + 1}_${x.id.replaceAll('/', '_')}.png`);
    expect(readdirSync(out).sort()).toEqual(expected);
    expect(r.stdout.trim().split('\n')).toEqual(expected.map((f) => path.join(out, f)));
    expect(r.stderr).toContain(`wrote 3 PNG files to ${out}`);
    const first = rows[0]!;
    const { data, info } = await sharp(path.join(out, expected[0]!)).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(Math.max(first.width, MIN_PANEL_WIDTH));
    expect(info.height).toBeGreaterThan(first.height + 40);
    const ox = Math.floor((info.width - first.width) / 2);
    const k = 3 * (first.argmax[1] * info.width + ox + first.argmax[0]);
    expect([data[k], data[k + 1], data[k + 2]]).toEqual([...OVERLAY_COLORS.argmax]);
  });

  it('puts a second run beside each instance with --compare', async () => {
    const out = path.join(t.root, 'compare');
    const id = rowsOf(t.toy)[0]!.id;
    const r = groundcam(['render', t.toy, '--id', id, '--compare', t.centre, '--out', out, '--colormap', 'jet']);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(out, `${id.replaceAll('/', '_')}.png`);
    const meta = await sharp(file).metadata();
    const row = rowsOf(t.toy)[0]!;
    const panel = Math.max(row.width, MIN_PANEL_WIDTH);
    expect([meta.width, meta.channels]).toEqual([2 * panel + PANEL_GAP, 3]);
  });

  it('draws on grey when the image is gone, and explains what it cannot do', () => {
    const row = rowsOf(t.toy)[1]!;
    const image = path.join(path.dirname(t.manifest), row.image);
    const moved = image + '.moved';
    renameSync(image, moved);
    try {
      const out = path.join(t.root, 'grey');
      const r = groundcam(['render', t.toy, '--id', row.id, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(out, `${row.id.replaceAll('/', '_')}.png`))).toBe(true);
      expect(r.stderr).toContain(`${row.id}: image not found: ${image}: heatmap drawn on grey`);
    } finally {
      renameSync(moved, image);
    }
    // a run whose data moved: --data-dir says where the images are now
    const data = path.dirname(t.manifest);
    renameSync(data, data + '-moved');
    try {
      const lost = groundcam(['render', t.toy, '--id', row.id, '--out', path.join(t.root, 'lost')]);
      expect(lost.stderr).toContain('image not found');
      const found = groundcam(['render', t.toy, '--id', row.id, '--out', path.join(t.root, 'found'), '--data-dir', data + '-moved']);
      expect(found.code, found.stderr).toBe(0);
      expect(found.stderr).not.toContain('image not found');
    } finally {
      renameSync(data + '-moved', data);
    }
    expect(groundcam(['render', t.toy, '--out', t.root])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--id ID \(repeatable\) or --worst N/) });
    expect(groundcam(['render', t.toy, '--id', 'nope', '--out', t.root])).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no instance "nope"/) });
    expect(groundcam(['render', t.toy, '--worst', '2', '--by', 'iou', '--out', t.root]).stderr).toMatch(/Allowed choices are pg_hit, pg_uncertain/);
  });
});
