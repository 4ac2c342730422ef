import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { formatValidationReport, validateManifest } from '../../src/data/validate.js';
import { COCO_IMAGES, tempDir } from '../helpers/fixtures.js';

const IMG1 = path.join(COCO_IMAGES, 'COCO_train2014_000000000001.jpg'); // 64×48
const IMG3 = path.join(COCO_IMAGES, 'COCO_train2014_000000000003.jpg'); // 40×30

function write(lines: unknown[]): string {
  const dir = tempDir();
  const file = path.join(dir, 'm.jsonl');
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

const good = (id: string, over: Record<string, unknown> = {}) => ({ id, image: IMG1, width: 64, height: 48, phrase: 'a person', boxes: [[4, 6, 24, 36]], ...over });

describe('validateManifest', () => {
  it('passes a clean manifest, opening each image once', async () => {
    const r = await validateManifest(write([good('a'), good('b'), { ...good('c'), image: IMG3, width: undefined, height: undefined, boxes: [[0, 0, 40, 30]] }]));
    expect(r).toMatchObject({ lines: 3, instances: 3, images: 2, imagesChecked: true, sizeUnknown: 0, ok: true, problems: {} });
    expect(formatValidationReport(r)).toMatch(/3 line\(s\), 3 valid instance\(s\), 2 distinct image\(s\) \(all opened\)\nOK: no problems found\.$/);
  });

  it('finds every kind of problem and names the lines', async () => {
    const dir = tempDir();
    const notImage = path.join(dir, 'fake.jpg');
    writeFileSync(notImage, 'this is not a JPEG');
    const file = write([
      good('ok'), // 1
      '{"id": ', // 2 bad JSON
      { id: 'nobox-field', image: IMG1, phrase: 'x' }, // 3 bad row
      good('ok'), // 4 duplicate id
      good('missing', { image: path.join(dir, 'nope.jpg') }), // 5
      good('fake', { image: notImage }), // 6
      good('size', { width: 48, height: 64 }), // 7 stated size differs from 64×48
      good('none', { boxes: [] }), // 8
      good('empty', { boxes: [[5, 5, 5, 9]] }), // 9
      good('outside', { boxes: [[0, 0, 10, 10], [60, 40, 64.5, 48]] }), // 10
      good('phrase', { phrase: '  ' }), // 11
    ]);
    const r = await validateManifest(file);
    expect(r.ok).toBe(false);
    const counts = Object.fromEntries(Object.entries(r.problems).map(([k, t]) => [k, t!.count]));
    expect(counts).toEqual({
      'bad-json': 1,
      'bad-row': 1,
      'duplicate-id': 1,
      'image-missing': 1,
      'image-unreadable': 1,
      'size-mismatch': 1,
      'no-boxes': 1,
      'empty-box': 1,
      'box-outside': 1,
      'empty-phrase': 1,
    });
    const lines = Object.fromEntries(Object.entries(r.problems).map(([k, t]) => [k, t!.examples.map((e) => e.line)]));
    expect(lines).toEqual({
      'bad-json': [2],
      'bad-row': [3],
      'duplicate-id': [4],
      'image-missing': [5],
      'image-unreadable': [6],
      'size-mismatch': [7],
      'no-boxes': [8],
      'empty-box': [9],
      'box-outside': [10],
      'empty-phrase': [11],
    });
    expect(r.problems['box-outside']!.examples[0]!.detail).toBe('box 1 [60, 40, 64.5, 48] outside 64×48');
    expect(r.problems['size-mismatch']!.examples[0]!.detail).toMatch(/stated 48×64, .* is 64×48$/);
    const text = formatValidationReport(r);
    expect(text).toContain('line 10 (outside): box 1 [60, 40, 64.5, 48] outside 64×48');
    expect(text).toMatch(/FAILED: 10 problem\(s\)/);
  });

  it('--tolerance lets boxes reach a little outside', async () => {
    const file = write([good('a', { boxes: [[-0.25, 0, 64.5, 48]] })]);
    expect((await validateManifest(file)).problems['box-outside']?.count).toBe(1);
    expect((await validateManifest(file, { tolerance: 0.5 })).ok).toBe(true);
  });

  it('--no-images checks the text only; boxes of rows without a size cannot be checked', async () => {
    const file = write([good('a', { image: '/nowhere/x.jpg' }), good('b', { width: undefined, height: undefined, boxes: [[0, 0, 1000, 1000]] })]);
    const r = await validateManifest(file, { images: false });
    expect(r).toMatchObject({ ok: true, sizeUnknown: 1, imagesChecked: false });
    expect(formatValidationReport(r)).toContain('1 instance(s) have no width/height');
    const opened = await validateManifest(file);
    expect(Object.keys(opened.problems).sort()).toEqual(['box-outside', 'image-missing']);
  });

  it('--decode reads every pixel and catches a truncated JPEG that has a readable header', async () => {
    const dir = tempDir();
    // A noisy picture, so that the entropy-coded data (not the header) is most of the file.
    const pixels = Buffer.alloc(64 * 48 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
    const full = await sharp(pixels, { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const cut = path.join(dir, 'cut.jpg');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.7)));
    const file = write([good('a', { image: cut })]);
    expect((await validateManifest(file)).ok).toBe(true);
    expect((await validateManifest(file, { decode: true })).problems['image-unreadable']?.count).toBe(1);
  });

  it('streams a long manifest and keeps the examples with the smallest line numbers', async () => {
    const rows: unknown[] = [];
    for (let i = 0; i < 15000; i++) rows.push(good(`r${i}`, i % 1000 === 999 ? { boxes: [[0, 0, 65, 10]] } : {}));
    const r = await validateManifest(write(rows), { examples: 3 });
    expect(r.instances).toBe(15000);
    expect(r.images).toBe(1);
    expect(r.problems['box-outside']!.count).toBe(15);
    expect(r.problems['box-outside']!.examples.map((e) => e.line)).toEqual([1000, 2000, 3000]);
    expect(formatValidationReport(r)).toContain('… and 12 more');
  });
});
