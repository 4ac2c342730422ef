// The instances the fixture datasets (scripts/make-fixtures.mjs, scripts/make_pickle_fixtures.py) must
// import to, worked out by hand from the fixture files and the conventions of datasets.md:
// COCO [x, y, w, h] → [x, y, x+w, y+h]; Flickr 1-based inclusive → [xmin-1, ymin-1, xmax, ymax];
// SpatialSense [y0, y1, x0, x1] → [x0, y0, x1, y1].
import path from 'node:path';
import type { Box, ManifestRow } from '../../../src/data/manifest.js';
import { COCO_IMAGES, FLICKR_IMAGES, SPATIALSENSE } from '../../helpers/fixtures.js';

const coco = (n: number): string => path.join(COCO_IMAGES, `COCO_train2014_00000000000${n}.jpg`);
const COCO_SIZE: Record<number, [number, number]> = { 1: [64, 48], 2: [48, 64], 3: [40, 30], 4: [32, 32] };
const CATEGORY: Record<number, string> = { 1: 'person', 18: 'dog', 62: 'chair' };

function refRow(
  dataset: string,
  splitBy: string,
  split: string,
  refSplit: string,
  refId: number,
  annId: number,
  sentId: number,
  imageId: number,
  categoryId: number,
  phrase: string,
  box: Box,
  raw = phrase,
): ManifestRow {
  const [width, height] = COCO_SIZE[imageId]!;
  return {
    id: `${dataset}/${split}/${refId}/${sentId}`,
    image: coco(imageId),
    width,
    height,
    phrase,
    boxes: [box],
    meta: {
      dataset,
      split_by: splitBy,
      split: refSplit,
      ref_id: refId,
      ann_id: annId,
      sent_id: sentId,
      image_id: imageId,
      category_id: categoryId,
      category: CATEGORY[categoryId],
      raw,
    },
  };
}

// instances.json boxes, converted
const ANN_101: Box = [4, 6, 24, 36]; // [4, 6, 20, 30]
const ANN_102: Box = [10.5, 5.25, 31.25, 35.25]; // [10.5, 5.25, 20.75, 30]
const ANN_103: Box = [0, 0, 48, 64]; // [0, 0, 48, 64]
const ANN_104: Box = [30.5, 10, 42.75, 18]; // [30.5, 10, 12.25, 8]: reaches past x = 40
const ANN_105: Box = [1, 2, 4, 6]; // [1, 2, 3, 4]

export const LONG_SENT = `the ${Array(60).fill('very').join(' ')} long sentence about the dog on the right`;

export const REFCOCO_PLUS: Record<string, ManifestRow[]> = {
  testA: [
    refRow('refcoco+', 'unc', 'testA', 'testA', 10, 101, 1000, 1, 1, 'woman in front', ANN_101, 'Woman in front.'),
    refRow('refcoco+', 'unc', 'testA', 'testA', 10, 101, 1001, 1, 1, 'left lady', ANN_101),
    refRow('refcoco+', 'unc', 'testA', 'testA', 11, 102, 1002, 1, 1, 'man with café au lait', ANN_102),
    refRow('refcoco+', 'unc', 'testA', 'testA', 16, 101, 1008, 1, 1, 'person again', ANN_101),
  ],
  testB: [
    refRow('refcoco+', 'unc', 'testB', 'testB', 12, 103, 1003, 2, 18, 'naïve dog', ANN_103),
    refRow('refcoco+', 'unc', 'testB', 'testB', 12, 103, 1004, 2, 18, LONG_SENT, ANN_103),
    refRow('refcoco+', 'unc', 'testB', 'testB', 13, 104, 1005, 3, 18, 'dog at the edge', ANN_104),
  ],
  val: [refRow('refcoco+', 'unc', 'val', 'val', 14, 105, 1006, 2, 1, 'tiny person', ANN_105)],
};

export const REFCOCO_UNC: Record<string, ManifestRow[]> = {
  testA: [refRow('refcoco', 'unc', 'testA', 'testA', 20, 101, 3000, 1, 1, 'front woman', ANN_101)],
  testB: [
    refRow('refcoco', 'unc', 'testB', 'testB', 21, 103, 3001, 2, 18, 'big dog', ANN_103),
    refRow('refcoco', 'unc', 'testB', 'testB', 21, 103, 3002, 2, 18, 'brown dog', ANN_103),
  ],
};

export const REFCOCO_GOOGLE_VAL: ManifestRow[] = [
  refRow('refcoco', 'google', 'val', 'val', 21, 103, 3001, 2, 18, 'big dog', ANN_103),
  refRow('refcoco', 'google', 'val', 'val', 21, 103, 3002, 2, 18, 'brown dog', ANN_103),
];

export const REFCOCOG_UMD: Record<string, ManifestRow[]> = {
  test: [
    refRow('refcocog', 'umd', 'test', 'test', 30, 102, 4000, 1, 1, 'a man holding a cup of coffee', ANN_102),
    refRow('refcocog', 'umd', 'test', 'test', 30, 102, 4001, 1, 1, 'the man on the left side of the picture', ANN_102),
  ],
  val: [refRow('refcocog', 'umd', 'val', 'val', 31, 104, 4002, 3, 18, 'a dog lying near the edge', ANN_104)],
};

export const REFCOCOG_GOOGLE_VAL: ManifestRow[] = [
  refRow('refcocog', 'google', 'val', 'val', 30, 102, 4000, 1, 1, 'a man holding a cup of coffee', ANN_102),
];

// --- Flickr30k Entities -------------------------------------------------------------------------
const F1000 = {
  s: [
    'Two young men hand a café menu to the jalapeño vendor .',
    'The men stand under the sky while nobody watches .',
    'Someone sees his arm near a hidden dog .',
    'A man and the same man by the wall .',
    'Something unannotated is here with the menu .',
  ],
};
const F2000 = { s: ['A brown dog runs across the grass .', 'The dog plays .'] };

// XML boxes (1-based inclusive) → [xmin-1, ymin-1, xmax, ymax]
const CHAIN_11: Box[] = [
  [0, 0, 10, 20], // 1 1 10 20
  [20, 4, 30, 40], // 21 5 30 40
];
const CHAIN_12_16: Box[] = [[30, 10, 60, 25]]; // 31 11 60 25: one <object>, two <name>s
const CHAIN_13: Box[] = [[40, 1, 55, 39]]; // 41 2 55 39
const CHAIN_18: Box[] = [[0, 0, 60, 15]]; // 1 1 60 15 (also flagged scene in another <object>)
const CHAIN_21: Box[] = [[11, 19, 24, 33]]; // 12 20 24 33
const CHAIN_22: Box[] = [[0, 35, 50, 70]]; // 1 36 50 70

function flickrRow(
  split: string,
  imageId: number,
  size: [number, number],
  sentences: string[],
  sentenceIdx: number,
  phraseIdx: number,
  phraseId: string,
  phraseType: string[],
  firstWordIndex: number,
  phrase: string,
  boxes: Box[],
): ManifestRow {
  return {
    id: `flickr30k/${split}/${imageId}/${sentenceIdx}/${phraseIdx}`,
    image: path.join(FLICKR_IMAGES, `${imageId}.jpg`),
    width: size[0],
    height: size[1],
    phrase,
    boxes,
    meta: {
      image_id: imageId,
      sentence_idx: sentenceIdx,
      phrase_idx: phraseIdx,
      phrase_id: phraseId,
      phrase_type: phraseType,
      first_word_index: firstWordIndex,
      sentence: sentences[sentenceIdx],
      split,
    },
  };
}

const f1000 = (si: number, pi: number, id: string, type: string[], first: number, phrase: string, boxes: Box[]) =>
  flickrRow('test', 1000, [60, 40], F1000.s, si, pi, id, type, first, phrase, boxes);
const f2000 = (si: number, pi: number, id: string, type: string[], first: number, phrase: string, boxes: Box[]) =>
  flickrRow('test', 2000, [50, 70], F2000.s, si, pi, id, type, first, phrase, boxes);

/** The test split: 17 phrases read, 12 kept, 5 skipped (scene 1, nobndbox 2, chain 0 1, absent chain 1). */
export const FLICKR_TEST: ManifestRow[] = [
  f1000(0, 0, '11', ['people'], 0, 'Two young men', CHAIN_11),
  f1000(0, 1, '12', ['other'], 4, 'a café menu', CHAIN_12_16),
  f1000(0, 2, '13', ['people'], 8, 'the jalapeño vendor', CHAIN_13),
  f1000(1, 0, '11', ['people'], 0, 'The men', CHAIN_11),
  // 1/1 "the sky": scene; 1/2 "nobody": nobndbox
  // 2/0 "Someone": chain 0
  f1000(2, 1, '16', ['bodyparts', 'people'], 2, 'his arm', CHAIN_12_16),
  // 2/2 "a hidden dog": nobndbox
  f1000(3, 0, '13', ['people'], 0, 'A man', CHAIN_13),
  f1000(3, 1, '13', ['people'], 3, 'the same man', CHAIN_13),
  f1000(3, 2, '18', ['scene'], 7, 'the wall', CHAIN_18),
  // 4/0 "Something unannotated": chain 19 is not in the XML
  f1000(4, 1, '12', ['other'], 5, 'the menu', CHAIN_12_16),
  f2000(0, 0, '21', ['animals'], 0, 'A brown dog', CHAIN_21),
  f2000(0, 1, '22', ['scene'], 5, 'the grass', CHAIN_22),
  f2000(1, 0, '21', ['animals'], 0, 'The dog', CHAIN_21),
];

/** `--merge-boxes`: chain 11's two boxes become their enclosing box; every row records how many it merged. */
export const FLICKR_TEST_MERGED: ManifestRow[] = FLICKR_TEST.map((r) => ({
  ...r,
  boxes: r.boxes.length > 1 ? [[0, 0, 30, 40]] : r.boxes,
  meta: { ...r.meta, boxes_merged: r.boxes.length },
}));

export const FLICKR_TRAIN: ManifestRow[] = [
  flickrRow('train', 3000, [30, 30], ['A woman reads a book .'], 0, 0, '31', ['people'], 0, 'A woman', [[1, 1, 20, 29]]),
  flickrRow('train', 3000, [30, 30], ['A woman reads a book .'], 0, 1, '32', ['other'], 3, 'a book', [[14, 14, 25, 25]]),
];

// --- SpatialSense ---------------------------------------------------------------------------------
const SS_FLICKR = path.join(SPATIALSENSE, 'images', 'flickr', '5704634119_8b8ccf3229.jpg');
const SS_NYU = path.join(SPATIALSENSE, 'images', 'nyu', '0042.jpg');
const SS_URL_1 = 'https://farm4.staticflickr.com/3543/5704634119_8b8ccf3229.jpg';
const SS_URL_2 = 'nyu_depth_v2/kitchen_0001/0042.jpg';

interface Rel {
  id: string;
  image: string;
  url: string;
  size: [number, number];
  split: string;
  subject: string;
  predicate: string;
  object: string;
  subjectBox: Box;
  objectBox: Box;
}

const SS_TEST: Rel[] = [
  // subject bbox [5, 30, 2, 20], object bbox [30, 40, 0, 64] as [y0, y1, x0, x1]
  { id: '59fbffe4f25c8070bb77ec42', image: SS_FLICKR, url: SS_URL_1, size: [64, 40], split: 'test', subject: 'cat', predicate: 'on', object: 'ground', subjectBox: [2, 5, 20, 30], objectBox: [0, 30, 64, 40] },
  // (59ff0e910de0c80e4077c5f0 has label false)
  { id: '5a0123456789abcdef000003', image: SS_FLICKR, url: SS_URL_1, size: [64, 40], split: 'test', subject: 'piñata', predicate: 'in front of', object: 'niño', subjectBox: [30, 10, 50, 34], objectBox: [33, 2, 60, 38] },
  { id: '5a0123456789abcdef000004', image: SS_NYU, url: SS_URL_2, size: [40, 30], split: 'test', subject: 'chair', predicate: 'under', object: 'table', subjectBox: [10, 12, 30, 30], objectBox: [5, 0, 35, 12] },
];

const SS_TRAIN: Rel[] = [
  { id: '5a0123456789abcdef000005', image: path.join(SPATIALSENSE, 'images', 'flickr', '1111_aaaa.jpg'), url: 'https://farm1.staticflickr.com/1/1111_aaaa.jpg', size: [32, 32], split: 'train', subject: 'dog', predicate: 'on', object: 'floor', subjectBox: [8, 8, 24, 24], objectBox: [0, 24, 32, 32] },
];

const SS_VALID: Rel[] = [
  { id: '5a0123456789abcdef000006', image: path.join(SPATIALSENSE, 'images', 'flickr', '2222_bbbb.jpg'), url: 'https://farm2.staticflickr.com/2/2222_bbbb.jpg', size: [32, 32], split: 'valid', subject: 'lamp', predicate: 'above', object: 'rug', subjectBox: [10, 0, 22, 16], objectBox: [0, 20, 32, 32] },
];

function ssRows(rels: Rel[], prompt: 'triplet' | 'subject' | 'object'): ManifestRow[] {
  return rels.map((r) => ({
    id: `spatialsense/${r.split}/${r.id}/${prompt}`,
    image: r.image,
    width: r.size[0],
    height: r.size[1],
    phrase: prompt === 'triplet' ? `${r.subject} ${r.predicate} ${r.object}` : prompt === 'subject' ? r.subject : r.object,
    boxes: [prompt === 'object' ? r.objectBox : r.subjectBox],
    meta: { annotation_id: r.id, split: r.split, prompt, subject: r.subject, predicate: r.predicate, object: r.object, url: r.url },
  }));
}

export const SPATIALSENSE_EXPECTED = {
  test: { triplet: ssRows(SS_TEST, 'triplet'), subject: ssRows(SS_TEST, 'subject'), object: ssRows(SS_TEST, 'object') },
  train: { triplet: ssRows(SS_TRAIN, 'triplet') },
  valid: { subject: ssRows(SS_VALID, 'subject') },
};
