import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportReport } from '../../../src/data/importers/report.js';
import { manifestImagePath, writeImportedManifest } from '../../../src/data/importers/write.js';
import type { ManifestRow } from '../../../src/data/manifest.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('manifestImagePath', () => {
  it('auto: relative (posix) under the manifest folder, absolute elsewhere', () => {
    expect(manifestImagePath('/data/set/images/a.jpg', '/data/set/m.jsonl', 'auto')).toBe('images/a.jpg');
    expect(manifestImagePath('/data/coco/a.jpg', '/work/m.jsonl', 'auto')).toBe('/data/coco/a.jpg');
    expect(manifestImagePath('/data/coco/a.jpg', '/work/m.jsonl', 'relative')).toBe('../data/coco/a.jpg');
    expect(manifestImagePath('/data/set/images/a.jpg', '/data/set/m.jsonl', 'absolute')).toBe('/data/set/images/a.jpg');
  });
});

describe('writeImportedManifest', () => {
  const row = (id: string, image: string): ManifestRow => ({ id, image, phrase: id, boxes: [[0, 0, 1, 1]] });

  it('writes the rows, makes the folder, and counts images missing on disk', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'sub', 'm.jsonl');
    const report = new ImportReport('t');
    const n = await writeImportedManifest([row('a', path.join(dir, 'sub', 'x.jpg')), row('b', '/nowhere/y.jpg')], out, report);
    expect(n).toBe(2);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).image)).toEqual(['x.jpg', '/nowhere/y.jpg']);
    expect([...report.notes.values()].map((e) => e.count)).toEqual([2]);
    expect(readdirSync(path.dirname(out))).toEqual(['m.jsonl']);
  });

  it('leaves no file behind when the import fails half way', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'm.jsonl');
    async function* rows() {
      yield row('a', '/a.jpg');
      throw new Error('importer failed');
    }
    await expect(writeImportedManifest(rows(), out, new ImportReport('t'))).rejects.toThrow('importer failed');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    await expect(writeImportedManifest([row('a', '/a.jpg'), row('a', '/a.jpg')], out, new ImportReport('t'))).rejects.toThrow(/twice/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('ImportReport', () => {
  it('prints read, kept, skipped with reasons and examples, and notes', () => {
    const r = new ImportReport('demo');
    r.source('/x/file');
    r.countRead('things', 12000);
    r.kept = 11998;
    r.skip('things without a box', 't1');
    r.skip('things without a box', 't2');
    r.note('boxes outside');
    expect(r.toText()).toBe(
      [
        'demo:',
        '  source   /x/file',
        '  read     12,000  things',
        '  kept     11,998  instances',
        '  skipped       2  things without a box  (e.g. t1; t2)',
        '  note          1  boxes outside',
      ].join('\n'),
    );
    expect(r.toJSON()).toEqual({
      format: 'demo',
      sources: ['/x/file'],
      read: { things: 12000 },
      kept: 11998,
      skipped: { 'things without a box': { count: 2, examples: ['t1', 't2'] } },
      notes: { 'boxes outside': { count: 1, examples: [] } },
    });
  });
});
