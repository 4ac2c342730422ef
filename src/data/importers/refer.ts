// RefCOCO, RefCOCO+ and RefCOCOg in the refer toolkit's layout (datasets.md, "refcoco+"):
// `refs(<splitBy>).p`, a Python 2 pickle of a list of refs, and `instances.json` (COCO).
// One instance per sentence of each ref in the chosen split; phrase = `sent`; box = the ref's
// annotation `[x, y, x+w, y+h]`; image = `<images>/<file_name>`; size from `instances.json`.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../util/errors.js';
import { boxOutsideImage, cocoBox, isWellFormedBox } from '../box-conventions.js';
import type { ManifestRow } from '../manifest.js';
import { PickleError, readPickle, type PyValue } from '../pickle.js';
import { REFER_DEFAULT_SPLIT_BY, REFER_SPLITS, type ReferDataset } from './options.js';
import type { ImportReport } from './report.js';

export interface ReferImportOptions {
  dataset: ReferDataset;
  /** The dataset folder holding `refs(<splitBy>).p` and `instances.json`, or refer's data root above it. */
  referDir: string;
  /** The folder of the COCO images (`train2014`). */
  images: string;
  split: string;
  /** Default: REFER_DEFAULT_SPLIT_BY[dataset]. */
  splitBy?: string;
}

/** refer's split selection: testA/B/C take every ref whose split contains the letter, test every test*. */
export function referSplitMatches(wanted: string, refSplit: string): boolean {
  if (wanted === 'testA' || wanted === 'testB' || wanted === 'testC') return refSplit.includes(wanted.slice(-1));
  if (wanted === 'test') return refSplit.includes('test');
  return refSplit === wanted;
}

export interface ReferFiles {
  dir: string;
  refsFile: string;
  instancesFile: string;
  splitBy: string;
}

/** Finds `refs(<splitBy>).p` and `instances.json` in `referDir` or in `referDir/<dataset>`. */
export function findReferFiles(referDir: string, dataset: ReferDataset, splitBy?: string): ReferFiles {
  const by = splitBy ?? REFER_DEFAULT_SPLIT_BY[dataset];
  const refsName = `refs(${by}).p`;
  const candidates = [referDir, path.join(referDir, dataset)];
  for (const dir of candidates) {
    if (existsSync(path.join(dir, refsName))) {
      const instancesFile = path.join(dir, 'instances.json');
      if (!existsSync(instancesFile)) {
        throw new UserError(`${dir} has ${refsName} but no instances.json: both come in refer's ${dataset}.zip`);
      }
      return { dir, refsFile: path.join(dir, refsName), instancesFile, splitBy: by };
    }
  }
  const present = candidates.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => /^refs\(.*\)\.p$/.test(f))
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });
  throw new UserError(
    `no ${refsName} in ${candidates.join(' or ')}` +
      (present.length ? `; found ${present.join(', ')} (choose one with --split-by)` : '; point --refer-dir at the folder of refer\'s ' + dataset + '.zip'),
  );
}

interface CocoImage {
  file_name: string;
  width?: number;
  height?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const posInt = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined);

async function readInstances(file: string, report: ImportReport) {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UserError(`${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  if (!isObj(json) || !Array.isArray(json.images) || !Array.isArray(json.annotations)) {
    throw new UserError(`${file}: not a COCO instances file (needs "images" and "annotations" lists)`);
  }
  const images = new Map<number, CocoImage>();
  for (const img of json.images) {
    if (isObj(img) && isId(img.id) && typeof img.file_name === 'string') {
      images.set(img.id, { file_name: img.file_name, width: posInt(img.width), height: posInt(img.height) });
    }
  }
  const anns = new Map<number, unknown>();
  for (const ann of json.annotations) if (isObj(ann) && isId(ann.id)) anns.set(ann.id, ann.bbox);
  const categories = new Map<number, string>();
  if (Array.isArray(json.categories)) {
    for (const c of json.categories) if (isObj(c) && isId(c.id) && typeof c.name === 'string') categories.set(c.id, c.name);
  }
  report.countRead(`images in instances.json`, images.size);
  report.countRead(`annotations in instances.json`, anns.size);
  return { images, anns, categories };
}

/** Streams the manifest rows of one split; fills `report` with what was read, kept and skipped. */
export async function* importRefer(opts: ReferImportOptions, report: ImportReport): AsyncGenerator<ManifestRow> {
  if (!(REFER_SPLITS as readonly string[]).includes(opts.split)) {
    throw new UserError(`unknown split "${opts.split}" for ${opts.dataset}: use one of ${REFER_SPLITS.join(', ')}`);
  }
  const files = findReferFiles(opts.referDir, opts.dataset, opts.splitBy);
  report.source(files.refsFile);
  report.source(files.instancesFile);

  let refs: PyValue;
  try {
    refs = readPickle(await readFile(files.refsFile));
  } catch (err) {
    if (err instanceof PickleError) throw new UserError(`${files.refsFile}: ${err.message}`);
    throw err;
  }
  if (!Array.isArray(refs)) throw new UserError(`${files.refsFile}: expected a list of refs, found something else`);
  report.countRead(`refs in ${path.basename(files.refsFile)}`, refs.length);
  const { images, anns, categories } = await readInstances(files.instancesFile, report);

  const imagesDir = path.resolve(opts.images);
  const splitsSeen = new Set<string>();
  for (const ref of refs) {
    if (!isObj(ref) || typeof ref.split !== 'string') {
      report.skip('refs without a split (not a refer ref)');
      continue;
    }
    splitsSeen.add(ref.split);
    if (!referSplitMatches(opts.split, ref.split)) continue;
    const sentences = Array.isArray(ref.sentences) ? ref.sentences : [];
    report.countRead(`refs in split ${opts.split}`);
    report.countRead(`sentences of those refs`, sentences.length);
    const refId = ref.ref_id;
    const annId = ref.ann_id;
    const imageId = ref.image_id;
    const where = `ref ${String(refId)}`;
    if (!isId(refId) || !isId(annId) || !isId(imageId)) {
      for (let i = 0; i < sentences.length; i++) report.skip('sentences of a ref without integer ref_id/ann_id/image_id', where);
      continue;
    }
    const image = images.get(imageId);
    if (image === undefined) {
      for (let i = 0; i < sentences.length; i++) report.skip('sentences whose image_id is not in instances.json', `${where}, image ${imageId}`);
      continue;
    }
    const bbox = anns.get(annId);
    if (bbox === undefined) {
      for (let i = 0; i < sentences.length; i++) report.skip('sentences whose ann_id is not in instances.json', `${where}, ann ${annId}`);
      continue;
    }
    const box = Array.isArray(bbox) && bbox.length === 4 ? cocoBox(bbox as number[]) : undefined;
    if (box === undefined || !isWellFormedBox(box)) {
      for (let i = 0; i < sentences.length; i++) report.skip('sentences whose annotation has no valid bbox [x, y, w, h]', `${where}, ann ${annId}`);
      continue;
    }
    for (const [k, sent] of sentences.entries()) {
      const sentId = isObj(sent) && isId(sent.sent_id) ? sent.sent_id : undefined;
      const id = `${opts.dataset}/${opts.split}/${refId}/${sentId ?? `s${k}`}`;
      if (!isObj(sent) || typeof sent.sent !== 'string') {
        report.skip('sentences without text ("sent")', id);
        continue;
      }
      if (sent.sent.trim() === '') {
        report.skip('sentences with an empty "sent"', id);
        continue;
      }
      const meta: Record<string, unknown> = {
        dataset: opts.dataset,
        split_by: files.splitBy,
        split: ref.split,
        ref_id: refId,
        ann_id: annId,
        sent_id: sentId ?? null,
        image_id: imageId,
        category_id: isId(ref.category_id) ? ref.category_id : null,
      };
      const category = isId(ref.category_id) ? categories.get(ref.category_id) : undefined;
      if (category !== undefined) meta.category = category;
      if (typeof sent.raw === 'string') meta.raw = sent.raw;
      const row: ManifestRow = { id, image: path.join(imagesDir, image.file_name), phrase: sent.sent, boxes: [box], meta };
      if (image.width !== undefined && image.height !== undefined) {
        row.width = image.width;
        row.height = image.height;
        if (boxOutsideImage(box, image.width, image.height)) {
          report.note('boxes reaching outside their image (kept as given; the metrics clip)', `${id} [${box.join(', ')}] in ${image.width}×${image.height}`);
        }
      } else {
        report.note('instances whose image has no width/height in instances.json (left out; read from the image file)', id);
      }
      report.kept += 1;
      yield row;
    }
  }
  if (!report.read.has(`refs in split ${opts.split}`)) {
    report.countRead(`refs in split ${opts.split}`, 0);
    report.note(`no ref is in split ${opts.split}; the splits in this file are: ${[...splitsSeen].sort().join(', ') || 'none'}`);
  }
}
