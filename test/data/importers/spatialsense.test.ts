import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpatialSensePrompt } from '../../../src/data/importers/options.js';
import { ImportReport } from '../../../src/data/importers/report.js';
import { importSpatialSense, spatialSenseImagePath } from '../../../src/data/importers/spatialsense.js';
import { SPATIALSENSE, collect, tempDir } from '../../helpers/fixtures.js';
import { SPATIALSENSE_EXPECTED } from './expected.js';

async function run(prompt: SpatialSensePrompt, opts: { split?: string; annotations?: string; root?: string } = {}) {
  const report = new ImportReport('spatialsense');
  const rows = await collect(importSpatialSense({ root: opts.root ?? SPATIALSENSE, prompt, ...opts }, report));
  return { rows, report };
}

describe('importSpatialSense on the SpatialSense fixture', () => {
  it.each(['triplet', 'subject', 'object'] as const)('test split, prompt %s: label true only, [y0, y1, x0, x1] → [x0, y0, x1, y1]', async (prompt) => {
    const { rows, report } = await run(prompt);
    expect(rows).toEqual(SPATIALSENSE_EXPECTED.test[prompt]);
    expect(report.read.get('images in annotations.json')).toBe(4);
    expect(report.read.get('images in split test')).toBe(2);
    expect(report.read.get('relations in those images')).toBe(4);
    expect(report.kept).toBe(3);
    expect(report.skipped.get('relations with label false (negative examples)')).toEqual({ count: 1, examples: ['59ff0e910de0c80e4077c5f0'] });
  });

  it('other splits: train and valid', async () => {
    expect((await run('triplet', { split: 'train' })).rows).toEqual(SPATIALSENSE_EXPECTED.train.triplet);
    expect((await run('subject', { split: 'valid' })).rows).toEqual(SPATIALSENSE_EXPECTED.valid.subject);
    const none = await run('subject', { split: 'val' });
    expect(none.rows).toEqual([]);
    expect([...none.report.notes.keys()]).toEqual(['no image is in split "val"; the splits in this file are: test, train, valid']);
  });

  it('finds images where the official code does: flickr for http(s) urls, nyu otherwise', () => {
    expect(spatialSenseImagePath('https://farm4.staticflickr.com/3543/5704634119_8b8ccf3229.jpg', '/d/images')).toBe(
      path.join('/d/images', 'flickr', '5704634119_8b8ccf3229.jpg'),
    );
    expect(spatialSenseImagePath('http://x/y/z.jpg', '/d/images')).toBe(path.join('/d/images', 'flickr', 'z.jpg'));
    expect(spatialSenseImagePath('nyu/abc/0042.jpg', '/d/images')).toBe(path.join('/d/images', 'nyu', '0042.jpg'));
  });

  it('skips malformed relations with a reason, and says when the file is missing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'annotations.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          url: 'a/b.jpg',
          width: 10,
          height: 8,
          split: 'test',
          annotations: [
            { _id: 'x1', predicate: 'on', subject: { name: 's', bbox: [5, 2, 0, 3] }, object: { name: 'o', bbox: [0, 8, 0, 10] }, label: true },
            { _id: 'x2', predicate: 'on', subject: { name: 's', bbox: [0, 2, 0, 3] }, object: { name: 'o', bbox: [0, 9, 0, 10] }, label: true },
            { _id: 'x2', predicate: 'on', subject: { name: 's', bbox: [0, 2, 0, 3] }, object: { name: 'o', bbox: [0, 9, 0, 10] }, label: true },
          ],
        },
      ]),
    );
    const { rows, report } = await run('object', { root: dir });
    expect(rows.map((r) => [r.id, r.boxes])).toEqual([
      ['spatialsense/test/x1/object', [[0, 0, 10, 8]]],
      ['spatialsense/test/x2/object', [[0, 0, 10, 9]]],
    ]);
    expect(report.notes.get('boxes reaching outside their image (kept as given; the metrics clip)')?.count).toBe(1);
    expect(report.skipped.get('relations whose _id was already seen (later copy ignored)')?.count).toBe(1);
    const subj = await run('subject', { root: dir });
    expect(subj.report.skipped.get('relations whose subject bbox is not a valid [y0, y1, x0, x1]')?.examples).toEqual(['x1']);
    await expect(run('triplet', { root: path.join(dir, 'nothing') })).rejects.toThrow(/no .*annotations\.json: point --root/);
  });
});
