import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findReferFiles, importRefer, referSplitMatches } from '../../../src/data/importers/refer.js';
import { ImportReport } from '../../../src/data/importers/report.js';
import { UserError } from '../../../src/util/errors.js';
import { COCO_IMAGES, REFER, collect, tempDir } from '../../helpers/fixtures.js';
import {
  REFCOCOG_GOOGLE_VAL,
  REFCOCOG_UMD,
  REFCOCO_GOOGLE_VAL,
  REFCOCO_PLUS,
  REFCOCO_UNC,
} from './expected.js';

async function run(dataset: 'refcoco' | 'refcoco+' | 'refcocog', split: string, extra: { referDir?: string; splitBy?: string } = {}) {
  const report = new ImportReport(dataset);
  const rows = await collect(
    importRefer({ dataset, referDir: extra.referDir ?? path.join(REFER, dataset), images: COCO_IMAGES, split, splitBy: extra.splitBy }, report),
  );
  return { rows, report };
}

describe('importRefer on the refer fixtures (Python-2 style refs pickles)', () => {
  it('refcoco+ testA: one instance per sentence, COCO [x,y,w,h] → [x,y,x+w,y+h], UTF-8 bytes decoded', async () => {
    const { rows, report } = await run('refcoco+', 'testA');
    expect(rows).toEqual(REFCOCO_PLUS.testA);
    expect(report.kept).toBe(4);
    expect(report.read.get('refs in refs(unc).p')).toBe(47);
    expect(report.read.get('refs in split testA')).toBe(4);
    expect(report.read.get('sentences of those refs')).toBe(6);
    expect(report.skipped.get('sentences whose ann_id is not in instances.json')?.count).toBe(1);
    expect(report.skipped.get('sentences with an empty "sent"')?.count).toBe(1);
    expect(report.skippedTotal).toBe(2);
  });

  it('refcoco+ testB: latin-1 Python 2 str, a BINSTRING sentence, a box past the edge kept and reported', async () => {
    const { rows, report } = await run('refcoco+', 'testB');
    expect(rows).toEqual(REFCOCO_PLUS.testB);
    const outside = report.notes.get('boxes reaching outside their image (kept as given; the metrics clip)');
    expect(outside?.count).toBe(1);
    expect(outside?.examples[0]).toContain('refcoco+/testB/13/1005');
    expect(report.skippedTotal).toBe(0);
  });

  it('refcoco+ val, and the refer data root one level up', async () => {
    expect((await run('refcoco+', 'val')).rows).toEqual(REFCOCO_PLUS.val);
    expect((await run('refcoco+', 'val', { referDir: REFER })).rows).toEqual(REFCOCO_PLUS.val);
  });

  it('refcoco reads refs(unc).p by default and refs(google).p with splitBy', async () => {
    expect((await run('refcoco', 'testA')).rows).toEqual(REFCOCO_UNC.testA);
    expect((await run('refcoco', 'testB')).rows).toEqual(REFCOCO_UNC.testB);
    expect((await run('refcoco', 'val', { splitBy: 'google' })).rows).toEqual(REFCOCO_GOOGLE_VAL);
  });

  it('refcocog reads refs(umd).p by default', async () => {
    expect((await run('refcocog', 'test')).rows).toEqual(REFCOCOG_UMD.test);
    expect((await run('refcocog', 'val')).rows).toEqual(REFCOCOG_UMD.val);
    expect((await run('refcocog', 'val', { splitBy: 'google' })).rows).toEqual(REFCOCOG_GOOGLE_VAL);
  });

  it('a split with no refs imports nothing and says which splits the file has', async () => {
    const { rows, report } = await run('refcocog', 'testA');
    expect(rows).toEqual([]);
    const note = [...report.notes.keys()].find((k) => k.startsWith('no ref is in split testA'));
    expect(note).toBe('no ref is in split testA; the splits in this file are: test, train, val');
  });

  it('refuses an unknown split, and a missing refs file with the refs files it did find', async () => {
    await expect(run('refcoco+', 'testD')).rejects.toThrow(/unknown split "testD"/);
    await expect(run('refcoco', 'val', { splitBy: 'umd' })).rejects.toThrow(UserError);
    await expect(run('refcoco', 'val', { splitBy: 'umd' })).rejects.toThrow(/no refs\(umd\)\.p .*found .*refs\(google\)\.p.*--split-by/);
  });

  it('says when instances.json is missing next to the refs file', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'refcoco+'));
    cpSync(path.join(REFER, 'refcoco+', 'refs(unc).p'), path.join(dir, 'refcoco+', 'refs(unc).p'));
    expect(() => findReferFiles(dir, 'refcoco+')).toThrow(/has refs\(unc\)\.p but no instances\.json/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('referSplitMatches follows refer.getRefIds', () => {
  it.each([
    ['testA', 'testA', true],
    ['testA', 'testAB', true],
    ['testA', 'testB', false],
    ['testB', 'testAB', true],
    ['test', 'testA', true],
    ['test', 'test', true],
    ['test', 'train', false],
    ['val', 'val', true],
    ['val', 'valid', false],
    ['train', 'train', true],
    ['testAB', 'testA', false],
    ['testAB', 'testAB', true],
  ])('split %s, ref split %s → %s', (wanted, refSplit, expected) => {
    expect(referSplitMatches(wanted, refSplit)).toBe(expected);
  });
});
