// Flickr30k Entities (datasets.md, "flickr30k"): `Sentences/<id>.txt`, `Annotations/<id>.xml` and a
// split list (`<split>.txt`, one image id per line), read the way the official
// flickr30k_entities_utils.py reads them.
//
// One instance per annotated phrase *occurrence*: every `[/EN#<id>/<types> words]` of every sentence
// whose chain id has at least one box gives its own instance, also when the same chain or the same
// words come back in another sentence of the image or twice in one sentence (this is how the 14,481
// Flickr30k Entities test phrases are counted). Boxes are 1-based inclusive pixel indices, written as
// `[xmin-1, ymin-1, xmax, ymax]`; all boxes of the chain are kept, in the order of the XML, or replaced
// by their enclosing box with `mergeBoxes`. Phrases without a box (chain id 0 = notvisual, `nobndbox`,
// `scene`, or a chain the XML does not mention) are skipped and counted.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UserError } from '../../util/errors.js';
import { boxOutsideImage, enclosingBox, flickrBox, isWellFormedBox } from '../box-conventions.js';
import type { Box, ManifestRow } from '../manifest.js';
import { FLICKR30K_DEFAULTS } from './options.js';
import type { ImportReport } from './report.js';

export interface Flickr30kImportOptions {
  /** The Flickr30k Entities folder: `Sentences/`, `Annotations/` and `<split>.txt`. */
  root: string;
  /** The folder of the Flickr30k images (`flickr30k-images`). */
  images: string;
  /** Split name: reads `<root>/<split>.txt` unless `splitFile` is given. Default 'test'. */
  split?: string;
  splitFile?: string;
  /** Replace each phrase's boxes with their enclosing box (the paper's protocol). Default false. */
  mergeBoxes?: boolean;
}

export interface FlickrPhrase {
  /** Position of the phrase's first word in the sentence's words. */
  firstWordIndex: number;
  phrase: string;
  /** The coreference chain id (`EN#<id>`), a string as in the official tools; '0' = notvisual. */
  phraseId: string;
  /** The coarse types, e.g. ['people'] or ['bodyparts', 'people']. */
  phraseType: string[];
}

export interface FlickrSentence {
  sentence: string;
  phrases: FlickrPhrase[];
}

/** The characters Python's `str.split()` splits on. */
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Parses a Sentences/<id>.txt file exactly as the official `get_sentence_data` does. */
export function parseFlickrSentences(text: string): FlickrSentence[] {
  const out: FlickrSentence[] = [];
  // Python's text mode reads \r\n and a lone \r as line ends (universal newlines).
  // (A leading byte-order mark is dropped; the official files have none.)
  for (const sentence of text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n')) {
    if (sentence === '') continue;
    const words: string[] = [];
    const phrases: FlickrPhrase[] = [];
    let current: string[] | undefined;
    let header: { first: number; id: string; types: string[] } | undefined;
    for (let token of sentence.split(PY_WHITESPACE).filter((t) => t !== '')) {
      if (current !== undefined && header !== undefined) {
        if (token.endsWith(']')) {
          token = token.slice(0, -1);
          current.push(token);
          phrases.push({ firstWordIndex: header.first, phrase: current.join(' '), phraseId: header.id, phraseType: header.types });
          current = undefined;
          header = undefined;
        } else {
          current.push(token);
        }
        words.push(token);
      } else if (token.startsWith('[')) {
        const parts = token.split('/');
        header = { first: words.length, id: (parts[1] ?? '').slice(3), types: parts.slice(2) };
        current = [];
      } else {
        words.push(token);
      }
    }
    out.push({ sentence: words.join(' '), phrases });
  }
  return out;
}

export interface FlickrAnnotation {
  filename?: string;
  width?: number;
  height?: number;
  /** Boxes by chain id, `[xmin, ymin, xmax, ymax]` as written in the XML (1-based inclusive). */
  boxes: Map<string, [number, number, number, number][]>;
  scene: Set<string>;
  nobox: Set<string>;
}

type XmlNode = Record<string, unknown>;

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: () => true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const children = (node: unknown, tag: string): unknown[] => {
  if (node === null || typeof node !== 'object') return [];
  const v = (node as XmlNode)[tag];
  return Array.isArray(v) ? v : [];
};
const textOf = (node: unknown): string | undefined => {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object' && '#text' in node) {
    const t = (node as XmlNode)['#text'];
    return Array.isArray(t) ? String(t[0]) : String(t);
  }
  return undefined;
};

/** Parses an Annotations/<id>.xml file as the official `get_annotations` does. Throws with the reason on bad XML. */
export function parseFlickrAnnotation(xml: string): FlickrAnnotation {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const root = children(xmlParser.parse(xml), 'annotation')[0];
  if (root === undefined) throw new Error('no <annotation> root element');
  const ann: FlickrAnnotation = { boxes: new Map(), scene: new Set(), nobox: new Set() };
  const filename = textOf(children(root, 'filename')[0]);
  if (filename !== undefined && filename !== '') ann.filename = filename;
  const size = children(root, 'size')[0];
  const int = (node: unknown, what: string): number => {
    const t = textOf(node);
    const v = t === undefined || t.trim() === '' ? NaN : Number(t);
    if (!Number.isFinite(v)) throw new Error(`<${what}> is not a number: ${JSON.stringify(t ?? '')}`);
    return v;
  };
  if (size !== undefined) {
    const w = children(size, 'width')[0];
    const h = children(size, 'height')[0];
    if (w !== undefined) ann.width = int(w, 'width');
    if (h !== undefined) ann.height = int(h, 'height');
  }
  for (const obj of children(root, 'object')) {
    const bndbox = children(obj, 'bndbox')[0];
    for (const nameNode of children(obj, 'name')) {
      const id = textOf(nameNode);
      if (id === undefined || id === '') continue;
      if (bndbox !== undefined) {
        const coord = (tag: string): number => int(children(bndbox, tag)[0], tag);
        const list = ann.boxes.get(id) ?? [];
        list.push([coord('xmin'), coord('ymin'), coord('xmax'), coord('ymax')]);
        ann.boxes.set(id, list);
      } else {
        const flag = (tag: string): boolean => {
          const node = children(obj, tag)[0];
          return node !== undefined && textOf(node) !== undefined && textOf(node)!.trim() !== '' && int(node, tag) > 0;
        };
        if (flag('nobndbox')) ann.nobox.add(id);
        if (flag('scene')) ann.scene.add(id);
      }
    }
  }
  return ann;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Streams the manifest rows of one split; fills `report` with what was read, kept and skipped. */
export async function* importFlickr30k(options: Flickr30kImportOptions, report: ImportReport): AsyncGenerator<ManifestRow> {
  const opts = { ...FLICKR30K_DEFAULTS, ...options };
  const split = opts.split;
  const splitFile = opts.splitFile ?? path.join(opts.root, `${split}.txt`);
  const listText = await readText(splitFile);
  if (listText === undefined) {
    throw new UserError(`no split list ${splitFile}: Flickr30k Entities ships train.txt, val.txt and test.txt (or give --split-file)`);
  }
  report.source(splitFile);
  report.source(path.join(opts.root, 'Sentences'));
  report.source(path.join(opts.root, 'Annotations'));
  const ids = listText.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  report.countRead(`image ids in ${path.basename(splitFile)}`, ids.length);
  const imagesDir = path.resolve(opts.images);
  const seenIds = new Set<string>();

  for (const imageId of ids) {
    if (seenIds.has(imageId)) {
      report.skip(`image ids listed twice in ${path.basename(splitFile)} (second listing ignored)`, imageId);
      continue;
    }
    seenIds.add(imageId);
    const sentFile = path.join(opts.root, 'Sentences', `${imageId}.txt`);
    const xmlFile = path.join(opts.root, 'Annotations', `${imageId}.xml`);
    const sentText = await readText(sentFile);
    if (sentText === undefined) {
      report.skip('images without a Sentences/<id>.txt file', imageId);
      continue;
    }
    const xmlText = await readText(xmlFile);
    if (xmlText === undefined) {
      report.skip('images without an Annotations/<id>.xml file', imageId);
      continue;
    }
    let ann: FlickrAnnotation;
    try {
      ann = parseFlickrAnnotation(xmlText);
    } catch (err) {
      throw new UserError(`${xmlFile}: ${(err as Error).message}`);
    }
    const sentences = parseFlickrSentences(sentText);
    report.countRead('images read');
    report.countRead('sentences', sentences.length);
    const image = path.join(imagesDir, ann.filename ?? `${imageId}.jpg`);
    const imageIdMeta = /^\d+$/.test(imageId) && Number.isSafeInteger(Number(imageId)) ? Number(imageId) : imageId;

    for (const [sentenceIdx, sentence] of sentences.entries()) {
      for (const [phraseIdx, p] of sentence.phrases.entries()) {
        report.countRead('phrases');
        const id = `flickr30k/${split}/${imageId}/${sentenceIdx}/${phraseIdx}`;
        const raw = ann.boxes.get(p.phraseId);
        if (raw === undefined || raw.length === 0) {
          if (p.phraseId === '0') report.skip('phrases with chain id 0 (notvisual: not annotated)', `${id} "${p.phrase}"`);
          else if (ann.scene.has(p.phraseId)) report.skip('phrases whose chain is marked scene (no box)', `${id} "${p.phrase}"`);
          else if (ann.nobox.has(p.phraseId)) report.skip('phrases whose chain is marked nobndbox (no box)', `${id} "${p.phrase}"`);
          else report.skip('phrases whose chain id is not in the XML', `${id} "${p.phrase}" (EN#${p.phraseId})`);
          continue;
        }
        let boxes: Box[] = [];
        for (const [xmin, ymin, xmax, ymax] of raw) {
          const b = flickrBox(xmin, ymin, xmax, ymax);
          if (isWellFormedBox(b)) boxes.push(b);
          else report.note('boxes with xmax < xmin or ymax < ymin (dropped from their phrase)', `${id} [${xmin}, ${ymin}, ${xmax}, ${ymax}]`);
        }
        if (boxes.length === 0) {
          report.skip('phrases whose boxes are all malformed', id);
          continue;
        }
        const boxCount = boxes.length;
        if (opts.mergeBoxes && boxes.length > 1) boxes = [enclosingBox(boxes)];
        const meta: Record<string, unknown> = {
          image_id: imageIdMeta,
          sentence_idx: sentenceIdx,
          phrase_idx: phraseIdx,
          phrase_id: p.phraseId,
          phrase_type: p.phraseType,
          first_word_index: p.firstWordIndex,
          sentence: sentence.sentence,
          split,
        };
        if (opts.mergeBoxes) meta.boxes_merged = boxCount;
        const row: ManifestRow = { id, image, phrase: p.phrase, boxes, meta };
        if (ann.width !== undefined && ann.height !== undefined && Number.isInteger(ann.width) && Number.isInteger(ann.height) && ann.width > 0 && ann.height > 0) {
          row.width = ann.width;
          row.height = ann.height;
          for (const b of boxes) {
            if (boxOutsideImage(b, ann.width, ann.height)) {
              report.note('boxes reaching outside their image (kept as given; the metrics clip)', `${id} [${b.join(', ')}] in ${ann.width}×${ann.height}`);
            }
          }
        } else {
          report.note('instances whose XML has no usable <size> (width/height left out; read from the image file)', id);
        }
        if (raw.length > 1) report.note(opts.mergeBoxes ? 'phrases with several boxes (merged into their enclosing box)' : 'phrases with several boxes (all kept)');
        report.kept += 1;
        yield row;
      }
    }
  }
}
