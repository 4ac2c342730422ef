import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, ManifestWriter, parseRow, readManifest, type ManifestEntry, type ManifestRow } from '../../src/data/manifest.js';
import { collect, tempDir } from '../helpers/fixtures.js';

function manifest(lines: string[]): string {
  const dir = tempDir();
  const file = path.join(dir, 'm.jsonl');
  writeFileSync(file, lines.join('\n'));
  return file;
}

const row = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'a', image: 'img/a.jpg', width: 10, height: 8, phrase: 'a cat', boxes: [[1, 2, 3, 4]], ...over });

describe('parseRow', () => {
  it('accepts a full row and keeps only known fields', () => {
    expect(parseRow({ id: 'x', image: 'i.jpg', width: 4, height: 3, phrase: 'p', boxes: [[0, 0, 4, 3]], meta: { k: 1 }, heatmap: 'h.npy', extra: 1 })).toEqual({
      id: 'x',
      image: 'i.jpg',
      width: 4,
      height: 3,
      phrase: 'p',
      boxes: [[0, 0, 4, 3]],
      meta: { k: 1 },
      heatmap: 'h.npy',
    });
    expect(parseRow({ id: 'x', image: 'i.jpg', phrase: '', boxes: [] })).toEqual({ id: 'x', image: 'i.jpg', phrase: '', boxes: [] });
  });

  it.each([
    [[1, 2], 'not a JSON object'],
    [{ image: 'i', phrase: 'p', boxes: [] }, '"id" must be a non-empty string'],
    [{ id: 'x', phrase: 'p', boxes: [] }, '"image" must be a non-empty string (instance x)'],
    [{ id: 'x', image: 'i', boxes: [] }, '"phrase" must be a string (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', width: 0, boxes: [] }, '"width" must be a positive integer when present (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', height: 2.5, boxes: [] }, '"height" must be a positive integer when present (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p' }, '"boxes" must be a list of [x0, y0, x1, y1] (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', boxes: [[1, 2, 3]] }, 'box 0 must be four finite numbers [x0, y0, x1, y1] (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', boxes: [[0, 0, 1, 1], [5, 0, 4, 1]] }, 'box 1 has x1 < x0 or y1 < y0: [5, 0, 4, 1] (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', boxes: [], meta: [] }, '"meta" must be an object when present (instance x)'],
    [{ id: 'x', image: 'i', phrase: 'p', boxes: [], heatmap: '' }, '"heatmap" must be a path when present (instance x)'],
  ])('%j → %s', (value, reason) => {
    expect(parseRow(value)).toBe(reason);
  });
});

describe('readManifest', () => {
  it('streams instances with 1-based line numbers, resolving paths against the manifest folder', async () => {
    const file = manifest(['\uFEFF' + row(), '', row({ id: 'b', image: '/abs/b.png', heatmap: 'h/b.npy' }), '   ']);
    const entries = await collect(readManifest(file));
    const dir = path.dirname(file);
    expect(entries).toEqual([
      { ok: true, line: 1, instance: { ...JSON.parse(row()), line: 1, imagePath: path.join(dir, 'img/a.jpg') } },
      {
        ok: true,
        line: 3,
        instance: { ...JSON.parse(row({ id: 'b', image: '/abs/b.png', heatmap: 'h/b.npy' })), line: 3, imagePath: '/abs/b.png', heatmapPath: path.join(dir, 'h/b.npy') },
      },
    ]);
  });

  it('reports bad lines with their number and kind, and goes on', async () => {
    const file = manifest([row(), '{not json', row({ boxes: 'x' }), row(), row({ id: 'c' })]);
    const entries: ManifestEntry[] = await collect(readManifest(file));
    expect(entries.map((e) => (e.ok ? ['ok', e.line, e.instance.id] : [e.code, e.line, e.error]))).toEqual([
      ['ok', 1, 'a'],
      ['json', 2, expect.stringMatching(/^not valid JSON \(/)],
      ['schema', 3, '"boxes" must be a list of [x0, y0, x1, y1] (instance a)'],
      ['duplicate-id', 4, 'duplicate id "a" (first on line 1)'],
      ['ok', 5, 'c'],
    ]);
  });

  it('throws a ManifestError naming the file when it cannot be read', async () => {
    await expect(collect(readManifest('/nonexistent/m.jsonl'))).rejects.toThrow(new ManifestError('/nonexistent/m.jsonl', undefined, 'no such file'));
    const dir = tempDir();
    await expect(collect(readManifest(dir))).rejects.toThrow(ManifestError);
  });
});

describe('ManifestWriter', () => {
  it('writes rows in the canonical field order and reads back the same', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    const w = new ManifestWriter(file);
    const rows: ManifestRow[] = [
      { boxes: [[0.5, 1, 2, 3]], phrase: 'ünïcode', image: 'a.jpg', id: 'r/1', meta: { k: [1] }, height: 4, width: 5 } as ManifestRow,
      { id: 'r/2', image: 'b.jpg', phrase: 'b', boxes: [], heatmap: 'b.npy' },
    ];
    for (const r of rows) await w.write(r);
    await w.close();
    await w.close(); // twice is fine
    expect(w.count).toBe(2);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('{"id":"r/1","image":"a.jpg","width":5,"height":4,"phrase":"ünïcode","boxes":[[0.5,1,2,3]],"meta":{"k":[1]}}');
    const back = await collect(readManifest(file));
    expect(back.map((e) => (e.ok ? parseRow(JSON.parse(JSON.stringify(e.instance))) : e))).toEqual(rows.map((r) => parseRow(r)));
  });

  it('reports a file it cannot write instead of crashing', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'taken'));
    const w = new ManifestWriter(path.join(dir, 'taken')); // a directory
    await expect(
      (async () => {
        await w.write({ id: 'a', image: 'a', phrase: 'a', boxes: [] });
        await w.close();
      })(),
    ).rejects.toThrow(/cannot write/);
  });
});
