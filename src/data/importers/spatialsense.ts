// SpatialSense (datasets.md, "spatialsense"): `annotations.json`, a list of images
// `{url, height, width, split, annotations: [{_id, predicate, subject{name, bbox}, object{name, bbox}, label}]}`
// with `bbox = [y0, y1, x0, x1]`. Images live at `images/flickr/<file>` when the url starts with
// "http" and at `images/nyu/<file>` otherwise (file = the url's last part), as in the official code.
// One instance per relation of the split with `label == true`:
//   triplet → "subject predicate object" with the subject's box; subject → subject name and box;
//   object → object name and box.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../util/errors.js';
import { boxOutsideImage, isWellFormedBox, spatialSenseBox } from '../box-conventions.js';
import type { ManifestRow } from '../manifest.js';
import { SPATIALSENSE_DEFAULTS, SPATIALSENSE_PROMPTS, type SpatialSensePrompt } from './options.js';
import type { ImportReport } from './report.js';

export interface SpatialSenseImportOptions {
  /** The SpatialSense folder: `annotations.json` and `images/{flickr,nyu}/`. */
  root: string;
  prompt: SpatialSensePrompt;
  /** Default 'test'. */
  split?: string;
  /** Default `<root>/annotations.json`. */
  annotations?: string;
  /** Default `<root>/images`. */
  images?: string;
}

/** Where the official code finds an image: images/flickr/<file> for http(s) urls, images/nyu/<file> otherwise. */
export function spatialSenseImagePath(url: string, imagesDir: string): string {
  const file = url.split('/').pop() ?? url;
  return path.join(imagesDir, url.startsWith('http') ? 'flickr' : 'nyu', file);
}

/** The phrase of one relation for a prompt kind. */
export function spatialSensePhrase(prompt: SpatialSensePrompt, subject: string, predicate: string, object: string): string {
  if (prompt === 'triplet') return `${subject} ${predicate} ${object}`;
  return prompt === 'subject' ? subject : object;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const posInt = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) > 0 ? (v as number) : undefined);

/** Streams the manifest rows of one split and prompt kind; fills `report`. */
export async function* importSpatialSense(options: SpatialSenseImportOptions, report: ImportReport): AsyncGenerator<ManifestRow> {
  const opts = { ...SPATIALSENSE_DEFAULTS, ...options };
  if (!(SPATIALSENSE_PROMPTS as readonly string[]).includes(opts.prompt)) {
    throw new UserError(`unknown prompt "${opts.prompt}": use one of ${SPATIALSENSE_PROMPTS.join(', ')}`);
  }
  let file = opts.annotations;
  if (file === undefined) {
    // The dataset ships annotations.json; the official README once called it annotation.json.
    file = path.join(opts.root, 'annotations.json');
    const alt = path.join(opts.root, 'annotation.json');
    if (!existsSync(file) && existsSync(alt)) file = alt;
  }
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `no ${file}: point --root at the unpacked SpatialSense folder (annotations.json, images/)`
        : `${file}: cannot read it as JSON (${(err as Error).message})`,
    );
  }
  if (!Array.isArray(json)) throw new UserError(`${file}: expected a list of images, found something else`);
  report.source(file);
  report.countRead('images in annotations.json', json.length);
  const imagesDir = path.resolve(opts.images ?? path.join(opts.root, 'images'));
  const split = opts.split;
  const prompt = opts.prompt;
  const splits = new Set<string>();
  const seen = new Set<string>();

  for (const img of json) {
    if (!isObj(img)) {
      report.skip('image entries that are not objects');
      continue;
    }
    if (typeof img.split === 'string') splits.add(img.split);
    if (img.split !== split) continue;
    const rels = Array.isArray(img.annotations) ? img.annotations : [];
    report.countRead(`images in split ${split}`);
    report.countRead('relations in those images', rels.length);
    if (typeof img.url !== 'string' || img.url === '') {
      for (let i = 0; i < rels.length; i++) report.skip('relations of an image without a url');
      continue;
    }
    const width = posInt(img.width);
    const height = posInt(img.height);
    const image = spatialSenseImagePath(img.url, imagesDir);
    for (const rel of rels) {
      if (!isObj(rel) || typeof rel._id !== 'string') {
        report.skip('relations without an _id', img.url);
        continue;
      }
      const id = `spatialsense/${split}/${rel._id}/${prompt}`;
      if (rel.label !== true) {
        report.skip('relations with label false (negative examples)', rel._id);
        continue;
      }
      if (seen.has(rel._id)) {
        report.skip('relations whose _id was already seen (later copy ignored)', rel._id);
        continue;
      }
      const subject = rel.subject;
      const object = rel.object;
      if (!isObj(subject) || !isObj(object) || typeof subject.name !== 'string' || typeof object.name !== 'string' || typeof rel.predicate !== 'string') {
        report.skip('relations without subject/object names or a predicate', rel._id);
        continue;
      }
      const target = prompt === 'object' ? object : subject;
      const bbox = Array.isArray(target.bbox) && target.bbox.length === 4 ? spatialSenseBox(target.bbox as number[]) : undefined;
      if (bbox === undefined || !isWellFormedBox(bbox)) {
        report.skip(`relations whose ${prompt === 'object' ? 'object' : 'subject'} bbox is not a valid [y0, y1, x0, x1]`, rel._id);
        continue;
      }
      seen.add(rel._id);
      const row: ManifestRow = {
        id,
        image,
        phrase: spatialSensePhrase(prompt, subject.name, rel.predicate, object.name),
        boxes: [bbox],
        meta: {
          annotation_id: rel._id,
          split: img.split,
          prompt,
          subject: subject.name,
          predicate: rel.predicate,
          object: object.name,
          url: img.url,
        },
      };
      if (width !== undefined && height !== undefined) {
        row.width = width;
        row.height = height;
        if (boxOutsideImage(bbox, width, height)) {
          report.note('boxes reaching outside their image (kept as given; the metrics clip)', `${id} [${bbox.join(', ')}] in ${width}×${height}`);
        }
      } else {
        report.note('instances whose image has no width/height (left out; read from the image file)', id);
      }
      report.kept += 1;
      yield row;
    }
  }
  if (!splits.has(split)) {
    report.note(`no image is in split "${split}"; the splits in this file are: ${[...splits].sort().join(', ') || 'none'}`);
  }
}
