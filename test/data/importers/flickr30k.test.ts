import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importFlickr30k,
  parseFlickrAnnotation,
  parseFlickrSentences,
} from '../../../src/data/importers/flickr30k.js';
import { ImportReport } from '../../../src/data/importers/report.js';
import { FLICKR, FLICKR_IMAGES, collect, tempDir } from '../../helpers/fixtures.js';
import { FLICKR_TEST, FLICKR_TEST_MERGED, FLICKR_TRAIN } from './expected.js';

async function run(opts: { split?: string; mergeBoxes?: boolean; root?: string; splitFile?: string } = {}) {
  const report = new ImportReport('flickr30k');
  const rows = await collect(importFlickr30k({ root: opts.root ?? FLICKR, images: FLICKR_IMAGES, ...opts }, report));
  return { rows, report };
}

describe('importFlickr30k on the Flickr30k Entities fixture', () => {
  it('test split: one instance per phrase occurrence with a box; boxes [xmin-1, ymin-1, xmax, ymax]', async () => {
    const { rows, report } = await run();
    expect(rows).toEqual(FLICKR_TEST);
    expect(report.read.get('image ids in test.txt')).toBe(2);
    expect(report.read.get('sentences')).toBe(7);
    expect(report.read.get('phrases')).toBe(17);
    expect(report.kept).toBe(12);
    expect(Object.fromEntries([...report.skipped].map(([k, v]) => [k, v.count]))).toEqual({
      'phrases whose chain is marked scene (no box)': 1,
      'phrases whose chain is marked nobndbox (no box)': 2,
      'phrases with chain id 0 (notvisual: not annotated)': 1,
      'phrases whose chain id is not in the XML': 1,
    });
    expect(report.notes.get('phrases with several boxes (all kept)')?.count).toBe(2);
    expect(report.notes.has('boxes reaching outside their image (kept as given; the metrics clip)')).toBe(false);
  });

  it('--merge-boxes replaces several boxes by their enclosing box', async () => {
    const { rows, report } = await run({ mergeBoxes: true });
    expect(rows).toEqual(FLICKR_TEST_MERGED);
    expect(report.notes.get('phrases with several boxes (merged into their enclosing box)')?.count).toBe(2);
  });

  it('reads the split list it is given: train holds image 3000 only', async () => {
    expect((await run({ split: 'train' })).rows).toEqual(FLICKR_TRAIN);
    expect((await run({ split: 'val' })).rows).toEqual([]);
  });

  it('says what is missing: the split list, or an image listed without its files', async () => {
    await expect(run({ split: 'nope' })).rejects.toThrow(/no split list .*nope\.txt/);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'mine.txt'), '1000\n999\n1000\n');
    const { rows, report } = await run({ splitFile: path.join(dir, 'mine.txt') });
    expect(rows).toEqual(FLICKR_TEST.filter((r) => r.id.startsWith('flickr30k/test/1000/')));
    expect(report.skipped.get('images without a Sentences/<id>.txt file')?.examples).toEqual(['999']);
    expect(report.skipped.get('image ids listed twice in mine.txt (second listing ignored)')?.count).toBe(1);
  });

  it('names the XML file when it is not well formed', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'Sentences'));
    mkdirSync(path.join(root, 'Annotations'));
    writeFileSync(path.join(root, 'test.txt'), '7\n');
    writeFileSync(path.join(root, 'Sentences', '7.txt'), '[/EN#1/people A man] .\n');
    writeFileSync(path.join(root, 'Annotations', '7.xml'), '<annotation>\n<size><width>5</width></size>\n<object><name>1</name>\n</annotation>\n');
    await expect(run({ root })).rejects.toThrow(/7\.xml: not well-formed XML \(line \d+/);
  });
});

describe('parseFlickrSentences (as flickr30k_entities_utils.get_sentence_data)', () => {
  it('splits phrases, ids, several types and first-word positions', () => {
    const s = parseFlickrSentences('[/EN#255543/people A woman] holds [/EN#255545/bodyparts/people a man \'s arm] at [/EN#0/notvisual it] .\n');
    expect(s).toEqual([
      {
        sentence: "A woman holds a man 's arm at it .",
        phrases: [
          { firstWordIndex: 0, phrase: 'A woman', phraseId: '255543', phraseType: ['people'] },
          { firstWordIndex: 3, phrase: "a man 's arm", phraseId: '255545', phraseType: ['bodyparts', 'people'] },
          { firstWordIndex: 8, phrase: 'it', phraseId: '0', phraseType: ['notvisual'] },
        ],
      },
    ]);
  });

  it('reads CRLF files and skips empty lines like Python text mode, keeps non-ASCII words', () => {
    const s = parseFlickrSentences('[/EN#1/people Un niño] come .\r\n\r\nA [/EN#2/other crème brûlée] .\r\n');
    expect(s.map((x) => x.sentence)).toEqual(['Un niño come .', 'A crème brûlée .']);
    expect(s[1]!.phrases).toEqual([{ firstWordIndex: 1, phrase: 'crème brûlée', phraseId: '2', phraseType: ['other'] }]);
  });

  it('keeps a sentence without annotated phrases (sentence indices stay those of the file)', () => {
    const s = parseFlickrSentences('No brackets here .\n[/EN#3/scene A street] .\n');
    expect(s).toHaveLength(2);
    expect(s[0]!.phrases).toEqual([]);
    expect(s[1]!.phrases[0]!.phraseId).toBe('3');
  });
});

describe('parseFlickrAnnotation (as flickr30k_entities_utils.get_annotations)', () => {
  it('reads size, boxes per chain (several names per object), nobndbox and scene flags', () => {
    const a = parseFlickrAnnotation(`<?xml version="1.0"?>
<annotation><filename>9.jpg</filename><size><width>500</width><height>333</height><depth>3</depth></size>
<object><name>5</name><name>6</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>
<object><name>5</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>300</xmax><ymax>333</ymax></bndbox></object>
<object><name>7</name><nobndbox>1</nobndbox><scene>0</scene></object>
<object><name>8</name><nobndbox>0</nobndbox><scene>1</scene></object>
</annotation>`);
    expect(a.filename).toBe('9.jpg');
    expect([a.width, a.height]).toEqual([500, 333]);
    expect(Object.fromEntries(a.boxes)).toEqual({
      '5': [
        [1, 2, 30, 40],
        [10, 20, 300, 333],
      ],
      '6': [[1, 2, 30, 40]],
    });
    expect([...a.nobox]).toEqual(['7']);
    expect([...a.scene]).toEqual(['8']);
  });

  it('refuses a coordinate that is not a number', () => {
    expect(() =>
      parseFlickrAnnotation('<annotation><object><name>1</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>'),
    ).toThrow(/<xmin> is not a number/);
  });
});
