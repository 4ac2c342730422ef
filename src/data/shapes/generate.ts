// `generateShapes`: streams a split of the shapes benchmark to disk, PNG images plus a manifest
// (../../../shared/spec/datasets.md), and returns a report of what it wrote.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../util/errors.js';
import { ManifestWriter, type ManifestRow } from '../manifest.js';
import { BACKGROUND_KINDS, type BackgroundKind } from './background.js';
import { phraseOf, TEMPLATE_IDS, type TemplateId } from './expressions.js';
import { SHAPES_DEFAULTS, SHAPES_SPLITS, SHAPES_VERSION, type ShapesSplit } from './options.js';
import { planScene, renderScene, type Scene } from './scene.js';
import { RELATIONS, type RelationName } from './vocabulary.js';

export interface GenerateShapesOptions {
  split?: ShapesSplit;
  n?: number;
  seed?: number;
  /** Folder for the PNGs (created if missing); files are named `<split>-<index, 6 digits>.png`. */
  imagesDir: string;
  /** The manifest to write (its folder is created if missing). */
  out: string;
  /** Called as images are written: (images done, images in total). */
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
  compressionLevel?: number;
}

export interface ShapesReport {
  version: string;
  split: ShapesSplit;
  seed: number;
  images: number;
  instances: number;
  objects: number;
  /** Objects not asked about: no unambiguous phrase (e.g. identical twins without a clear relation), or the image wanted fewer phrases. */
  objectsWithoutPhrase: number;
  templates: Record<TemplateId, number>;
  relations: Record<RelationName, number>;
  imageSizes: Record<string, number>;
  backgrounds: Record<BackgroundKind, number>;
  manifest: string;
  imagesDir: string;
  seconds: number;
}

/** The file name of image `index` of a split. */
export function shapesImageName(split: ShapesSplit, index: number): string {
  return `${split}-${String(index).padStart(6, '0')}.png`;
}

/** The manifest rows of one scene (one per chosen expression). */
export function sceneRows(scene: Scene, imageRef: string): ManifestRow[] {
  const objects = scene.objects.map((o) => ({ shape: o.shape, color: o.color, size: o.size, box: o.box }));
  return scene.choices.map((c, k) => {
    const t = scene.objects[c.target]!;
    const meta: Record<string, unknown> = {
      split: scene.split,
      seed: scene.seed,
      index: scene.index,
      template: c.expression.template,
      target: { shape: t.shape, color: t.color, size: t.size, index: c.target },
    };
    const rel = c.expression.relation;
    if (rel !== undefined) {
      const a = scene.objects.findIndex((o) => o.shape === rel.anchor.shape && o.color === rel.anchor.color);
      const anchor = scene.objects[a]!;
      meta.relation = { name: rel.name, anchor: { shape: anchor.shape, color: anchor.color, size: anchor.size, index: a } };
    }
    meta.objects = objects;
    meta.background = scene.background.kind;
    return {
      id: `shapes/${scene.split}/${scene.index}/${k}`,
      image: imageRef,
      width: scene.width,
      height: scene.height,
      phrase: phraseOf(c.expression),
      boxes: [[...t.box]],
      meta,
    };
  });
}

/** How the manifest names an image: relative to its own folder when the image lies under it, else absolute. */
export function imageReference(manifestFile: string, imageFile: string): string {
  const rel = path.relative(path.dirname(path.resolve(manifestFile)), path.resolve(imageFile));
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return outside ? path.resolve(imageFile) : rel.split(path.sep).join('/');
}

function checkCount(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`shapes: ${name} must be an integer from ${min} to ${max} (got ${v})`);
  }
}

/**
 * Generates `n` images of a split and their phrases. Image k depends only on (seed, split, k): the same
 * arguments give the same pixels and the same manifest on every machine, and a larger n extends a smaller one.
 */
export async function generateShapes(options: GenerateShapesOptions): Promise<ShapesReport> {
  const split = options.split ?? SHAPES_DEFAULTS.split;
  const n = options.n ?? SHAPES_DEFAULTS.n;
  const seed = options.seed ?? SHAPES_DEFAULTS.seed;
  const concurrency = options.concurrency ?? SHAPES_DEFAULTS.concurrency;
  const compressionLevel = options.compressionLevel ?? SHAPES_DEFAULTS.compressionLevel;
  if (!SHAPES_SPLITS.includes(split)) throw new UserError(`shapes: split must be one of ${SHAPES_SPLITS.join(', ')} (got ${split})`);
  checkCount('n (number of images)', n, 1, 10_000_000);
  checkCount('seed', seed, 0, 0xffffffff);
  checkCount('concurrency', concurrency, 1, 64);
  checkCount('compression level', compressionLevel, 0, 9);

  const started = performance.now();
  const { default: sharp } = await import('sharp');
  const imagesDir = path.resolve(options.imagesDir);
  const out = path.resolve(options.out);
  for (const dir of [imagesDir, path.dirname(out)]) {
    await mkdir(dir, { recursive: true }).catch((err: Error) => {
      throw new UserError(`shapes: cannot create the folder ${dir}: ${err.message}`);
    });
  }

  const report: ShapesReport = {
    version: SHAPES_VERSION,
    split,
    seed,
    images: 0,
    instances: 0,
    objects: 0,
    objectsWithoutPhrase: 0,
    templates: Object.fromEntries(TEMPLATE_IDS.map((id) => [id, 0])) as Record<TemplateId, number>,
    relations: Object.fromEntries(RELATIONS.map((r) => [r, 0])) as Record<RelationName, number>,
    imageSizes: {},
    backgrounds: Object.fromEntries(BACKGROUND_KINDS.map((k) => [k, 0])) as Record<BackgroundKind, number>,
    manifest: out,
    imagesDir,
    seconds: 0,
  };

  const writer = new ManifestWriter(out);
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let done = 0;
  try {
    for (let index = 0; index < n && failure === undefined; index++) {
      const scene = planScene(seed, split, index);
      const file = path.join(imagesDir, shapesImageName(split, index));
      for (const row of sceneRows(scene, imageReference(out, file))) await writer.write(row);

      report.images += 1;
      report.instances += scene.choices.length;
      report.objects += scene.objects.length;
      report.objectsWithoutPhrase += scene.objects.length - scene.choices.length;
      for (const c of scene.choices) {
        report.templates[c.expression.template] += 1;
        if (c.expression.relation !== undefined) report.relations[c.expression.relation.name] += 1;
      }
      const sizeKey = `${scene.width}x${scene.height}`;
      report.imageSizes[sizeKey] = (report.imageSizes[sizeKey] ?? 0) + 1;
      report.backgrounds[scene.background.kind] += 1;

      const rgb = renderScene(scene);
      const job: Promise<void> = sharp(rgb, { raw: { width: scene.width, height: scene.height, channels: 3 } })
        .png({ compressionLevel })
        .toFile(file)
        .then(
          () => {
            done += 1;
            options.onProgress?.(done, n);
          },
          (err: Error) => {
            failure ??= new UserError(`shapes: cannot write ${file}: ${err.message}`);
          },
        )
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await writer.close();
  }
  if (failure !== undefined) throw failure;
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
