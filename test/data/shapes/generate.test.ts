import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, type Instance } from '../../../src/data/manifest.js';
import { generateShapes, type ShapesReport } from '../../../src/data/shapes/generate.js';
import { planScene, renderScene } from '../../../src/data/shapes/scene.js';
import { COLORS } from '../../../src/data/shapes/vocabulary.js';
import { UserError } from '../../../src/util/errors.js';
import { countReferents, isUnambiguous, parsePhrase, type CheckedObject } from './phrase-checker.js';

const root = mkdtempSync(path.join(tmpdir(), 'groundcam-shapes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function decode(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function readAll(file: string): Promise<Instance[]> {
  const rows: Instance[] = [];
  for await (const e of readManifest(file)) {
    if (!e.ok) throw new Error(`${file}:${e.line}: ${e.error}`);
    rows.push(e.instance);
  }
  return rows;
}

/** sha256 of the decoded pixels of every image a manifest names, by image path. */
async function pixelHashes(rows: Instance[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of rows) {
    if (out.has(r.image)) continue;
    out.set(r.image, createHash('sha256').update((await decode(r.imagePath)).data).digest('hex'));
  }
  return out;
}

interface Run {
  dir: string;
  manifest: string;
  report: ShapesReport;
  rows: Instance[];
}

async function run(name: string, split: 'train' | 'val' | 'test', n: number, seed = 0, imagesDir?: string): Promise<Run> {
  const dir = path.join(root, name);
  const manifest = path.join(dir, 'shapes.jsonl');
  const report = await generateShapes({ split, n, seed, out: manifest, imagesDir: imagesDir ?? path.join(dir, 'images') });
  return { dir, manifest, report, rows: await readAll(manifest) };
}

describe('generateShapes', () => {
  let a: Run;
  let b: Run;
  let val: Run;
  beforeAll(async () => {
    a = await run('a', 'test', 12);
    b = await run('b', 'test', 12);
    val = await run('val', 'val', 12);
  });

  it('is deterministic: the same arguments give the same manifest and the same decoded pixels', async () => {
    expect(readFileSync(b.manifest, 'utf8')).toBe(readFileSync(a.manifest, 'utf8'));
    const ha = await pixelHashes(a.rows);
    const hb = await pixelHashes(b.rows);
    expect(ha.size).toBe(12);
    expect([...hb.entries()]).toEqual([...ha.entries()]);
  });

  it('writes PNGs whose decoded pixels are exactly the rendered scene (lossless, 3 channels)', async () => {
    for (let index = 0; index < 12; index++) {
      const img = await decode(path.join(a.dir, 'images', `test-${String(index).padStart(6, '0')}.png`));
      const scene = planScene(0, 'test', index);
      expect([img.width, img.height, img.channels]).toEqual([scene.width, scene.height, 3]);
      expect(img.data.equals(renderScene(scene)), `image ${index}`).toBe(true);
    }
  });

  it('gives another split other images and another manifest', async () => {
    const ht = new Set((await pixelHashes(a.rows)).values());
    const hv = [...(await pixelHashes(val.rows)).values()];
    expect(hv.filter((h) => ht.has(h))).toEqual([]);
    expect(val.rows.every((r) => r.id.startsWith('shapes/val/') && r.image.startsWith('images/val-'))).toBe(true);
    expect(val.rows.map((r) => r.phrase)).not.toEqual(a.rows.map((r) => r.phrase));
  });

  it('extends a smaller n: the first images of a larger run are those of a smaller one', async () => {
    const small = await run('small', 'test', 5);
    const prefix = a.rows.filter((r) => (r.meta as { index: number }).index < 5);
    const strip = (rows: Instance[]) => rows.map(({ imagePath: _, line: __, ...r }) => r);
    expect(strip(small.rows)).toEqual(strip(prefix));
  });

  it('writes well-formed rows: ids, relative image paths, sizes, one box equal to the target object\'s box', async () => {
    const ids = new Set<string>();
    for (const r of a.rows) {
      const meta = r.meta as {
        split: string;
        seed: number;
        index: number;
        template: string;
        target: { shape: string; color: string; size: string; index: number };
        relation?: { name: string; anchor: { shape: string; color: string; size: string; index: number } };
        objects: CheckedObject[];
      };
      expect(r.id).toMatch(/^shapes\/test\/\d+\/\d+$/);
      expect(r.id.split('/')[2]).toBe(String(meta.index));
      ids.add(r.id);
      expect(r.image).toBe(`images/test-${String(meta.index).padStart(6, '0')}.png`);
      const img = await sharp(r.imagePath).metadata();
      expect([img.width, img.height]).toEqual([r.width, r.height]);
      expect(r.boxes).toHaveLength(1);
      const target = meta.objects[meta.target.index]!;
      expect(r.boxes[0]).toEqual(target.box);
      expect({ shape: target.shape, color: target.color, size: target.size }).toEqual({
        shape: meta.target.shape,
        color: meta.target.color,
        size: meta.target.size,
      });
      expect([meta.split, meta.seed]).toEqual(['test', 0]);
      if (meta.relation !== undefined) {
        expect(meta.template).toMatch(/relation$/);
        const anchor = meta.objects[meta.relation.anchor.index]!;
        expect(anchor.shape).toBe(meta.relation.anchor.shape);
        expect(r.phrase.endsWith(`${meta.relation.name} the ${anchor.color} ${anchor.shape}`)).toBe(true);
      }
    }
    expect(ids.size).toBe(a.rows.length);
  });

  it('writes only phrases that name exactly their target (read back from the manifest alone)', () => {
    for (const r of [...a.rows, ...val.rows]) {
      const meta = r.meta as { objects: CheckedObject[]; target: { index: number } };
      const parsed = parsePhrase(r.phrase);
      expect(parsed, r.phrase).not.toBeNull();
      expect(isUnambiguous(parsed!, meta.objects, r.width!, r.height!), `${r.id} "${r.phrase}"`).toBe(true);
      expect(countReferents(parsed!, meta.objects, r.width!, r.height!).matches).toEqual([meta.target.index]);
    }
  });

  it('gives boxes that are tight around the drawn pixels of each shape in the decoded PNG', async () => {
    const byImage = new Map(a.rows.map((r) => [r.imagePath, r]));
    let objects = 0;
    for (const [file, r] of byImage) {
      const meta = r.meta as { index: number; objects: CheckedObject[] };
      const img = await decode(file);
      const W = img.width;
      // 1. Pixels of exactly a shape colour lie inside a box of a shape of that colour (backgrounds never
      //    produce one), and every shape has such fully covered pixels.
      const exact = meta.objects.map(() => 0);
      for (let p = 0, q = 0; p < img.data.length; p += 3, q++) {
        const rgb = [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
        const name = Object.entries(COLORS).find(([, c]) => c[0] === rgb[0] && c[1] === rgb[1] && c[2] === rgb[2])?.[0];
        if (name === undefined) continue;
        const i = Math.floor(q / W);
        const j = q % W;
        const owner = meta.objects.findIndex((o) => o.color === name && j >= o.box[0] && j < o.box[2] && i >= o.box[1] && i < o.box[3]);
        expect(owner, `${file}: pixel (${i}, ${j}) is ${name} outside every ${name} shape`).toBeGreaterThanOrEqual(0);
        exact[owner] += 1;
      }
      expect(exact.every((n) => n > 0)).toBe(true);
      // 2. The pixels a shape changes (the PNG against the same scene drawn without it) have exactly its box
      //    as their bounding box: every changed pixel is inside, and each border row/column has one.
      const scene = planScene(0, 'test', meta.index);
      meta.objects.forEach((o, k) => {
        const without = renderScene(scene, k);
        let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let p = 0, q = 0; p < img.data.length; p += 3, q++) {
          if (img.data[p] === without[p] && img.data[p + 1] === without[p + 1] && img.data[p + 2] === without[p + 2]) continue;
          const i = Math.floor(q / W);
          const j = q % W;
          x0 = Math.min(x0, j);
          y0 = Math.min(y0, i);
          x1 = Math.max(x1, j + 1);
          y1 = Math.max(y1, i + 1);
        }
        expect([x0, y0, x1, y1], `${file} shape ${k}`).toEqual(o.box);
        objects++;
      });
    }
    expect(objects).toBeGreaterThan(24);
  });

  it('reports what it wrote', () => {
    const r = a.report;
    expect(r.images).toBe(12);
    expect(r.instances).toBe(a.rows.length);
    const byTemplate: Record<string, number> = {};
    for (const row of a.rows) {
      const t = (row.meta as { template: string }).template;
      byTemplate[t] = (byTemplate[t] ?? 0) + 1;
    }
    expect(Object.fromEntries(Object.entries(r.templates).filter(([, v]) => v > 0))).toEqual(byTemplate);
    expect(Object.values(r.imageSizes).reduce((s, v) => s + v, 0)).toBe(12);
    expect(r.objects - r.objectsWithoutPhrase).toBe(r.instances);
  });

  it('names images by absolute path when they are not under the manifest\'s folder', async () => {
    const elsewhere = path.join(root, 'elsewhere-images');
    const r = await run('abs', 'train', 2, 3, elsewhere);
    for (const row of r.rows) {
      expect(path.isAbsolute(row.image)).toBe(true);
      expect(row.image.startsWith(elsewhere)).toBe(true);
    }
  });

  it('refuses bad options with a clear message', async () => {
    const out = path.join(root, 'bad', 'm.jsonl');
    await expect(generateShapes({ n: 0, out, imagesDir: root })).rejects.toThrow(UserError);
    await expect(generateShapes({ n: 1.5, out, imagesDir: root })).rejects.toThrow(/n \(number of images\) must be an integer/);
    await expect(generateShapes({ seed: -1, out, imagesDir: root })).rejects.toThrow(/seed must be an integer/);
    await expect(generateShapes({ split: 'dev' as 'val', out, imagesDir: root })).rejects.toThrow(/split must be one of train, val, test/);
    const file = path.join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(generateShapes({ n: 1, out, imagesDir: path.join(file, 'images') })).rejects.toThrow(/cannot create the folder/);
  });
});
