#!/usr/bin/env node
// Writes the tiny dataset fixtures in the exact official formats, with tiny real images, into fixtures/:
//   fixtures/datasets/refer/        refer layout: <dataset>/refs(<splitBy>).p + instances.json, images/train2014/
//   fixtures/datasets/flickr30k/    Flickr30k Entities: Sentences/, Annotations/, {train,val,test}.txt, flickr30k-images/
//   fixtures/datasets/spatialsense/ annotations.json, images/flickr/, images/nyu/
//   fixtures/pickles/               pickles for the restricted reader's tests
// The pickles (and the refer dataset that goes with them) come from scripts/make_pickle_fixtures.py,
// run here with the system python3 (stdlib only). Usage: node scripts/make-fixtures.mjs [outdir]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(repo, 'fixtures'));
const ds = path.join(out, 'datasets');
for (const sub of ['refer', 'flickr30k', 'spatialsense']) rmSync(path.join(ds, sub), { recursive: true, force: true });
rmSync(path.join(out, 'pickles'), { recursive: true, force: true });

execFileSync('python3', [path.join(repo, 'scripts', 'make_pickle_fixtures.py'), out], { stdio: 'inherit' });

/** A small JPEG (or PNG) of exactly width × height: a colour field with a lighter square, so it is a real picture. */
async function image(file, width, height, seed, format = 'jpeg') {
  mkdirSync(path.dirname(file), { recursive: true });
  const bg = { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 29) % 256 };
  const side = Math.max(1, Math.floor(Math.min(width, height) / 3));
  const square = await sharp({ create: { width: side, height: side, channels: 3, background: { r: 240, g: 240, b: 240 } } })
    .png()
    .toBuffer();
  let img = sharp({ create: { width, height, channels: 3, background: bg } }).composite([
    { input: square, left: Math.floor(width / 4), top: Math.floor(height / 4) },
  ]);
  img = format === 'png' ? img.png() : img.jpeg({ quality: 80 });
  await img.toFile(file);
}

function write(file, text) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, 'utf8');
}

// --- refer: images named in instances.json -------------------------------------------------------
{
  const instances = JSON.parse(readFileSync(path.join(ds, 'refer', 'refcoco+', 'instances.json'), 'utf8'));
  for (const im of instances.images) {
    await image(path.join(ds, 'refer', 'images', 'train2014', im.file_name), im.width, im.height, im.id);
  }
}

// --- Flickr30k Entities ------------------------------------------------------------------------------
{
  const root = path.join(ds, 'flickr30k');
  // Image 1000 (test, 60×40): several boxes for one chain, a box shared by two chains (one <object>
  // with two <name>s), nobndbox and scene chains, chain 0 (notvisual), a chain absent from the XML,
  // several types, the same chain twice in one sentence, non-ASCII words, a box touching the edges.
  write(
    path.join(root, 'Sentences', '1000.txt'),
    [
      '[/EN#11/people Two young men] hand [/EN#12/other a café menu] to [/EN#13/people the jalapeño vendor] .',
      '[/EN#11/people The men] stand under [/EN#14/scene the sky] while [/EN#15/notvisual nobody] watches .',
      '[/EN#0/notvisual Someone] sees [/EN#16/bodyparts/people his arm] near [/EN#17/other a hidden dog] .',
      '[/EN#13/people A man] and [/EN#13/people the same man] by [/EN#18/scene the wall] .',
      '[/EN#19/other Something unannotated] is here with [/EN#12/other the menu] .',
    ].join('\n') + '\n',
  );
  write(
    path.join(root, 'Annotations', '1000.xml'),
    `<annotation>
<filename>1000.jpg</filename>
<size>
<width>60</width>
<height>40</height>
<depth>3</depth>
</size>
<object>
<name>11</name>
<bndbox>
<xmin>1</xmin>
<ymin>1</ymin>
<xmax>10</xmax>
<ymax>20</ymax>
</bndbox>
</object>
<object>
<name>11</name>
<bndbox>
<xmin>21</xmin>
<ymin>5</ymin>
<xmax>30</xmax>
<ymax>40</ymax>
</bndbox>
</object>
<object>
<name>12</name>
<name>16</name>
<bndbox>
<xmin>31</xmin>
<ymin>11</ymin>
<xmax>60</xmax>
<ymax>25</ymax>
</bndbox>
</object>
<object>
<name>13</name>
<bndbox>
<xmin>41</xmin>
<ymin>2</ymin>
<xmax>55</xmax>
<ymax>39</ymax>
</bndbox>
</object>
<object>
<name>14</name>
<nobndbox>0</nobndbox>
<scene>1</scene>
</object>
<object>
<name>15</name>
<nobndbox>1</nobndbox>
<scene>0</scene>
</object>
<object>
<name>17</name>
<nobndbox>1</nobndbox>
<scene>0</scene>
</object>
<object>
<name>18</name>
<bndbox>
<xmin>1</xmin>
<ymin>1</ymin>
<xmax>60</xmax>
<ymax>15</ymax>
</bndbox>
</object>
<object>
<name>18</name>
<nobndbox>0</nobndbox>
<scene>1</scene>
</object>
</annotation>
`,
  );
  // Image 2000 (test, 50×70, portrait): a plain case; its XML lists objects in a different order.
  write(
    path.join(root, 'Sentences', '2000.txt'),
    ['[/EN#21/animals A brown dog] runs across [/EN#22/scene the grass] .', '[/EN#21/animals The dog] plays .'].join('\n') + '\n',
  );
  write(
    path.join(root, 'Annotations', '2000.xml'),
    `<annotation>
<filename>2000.jpg</filename>
<size>
<width>50</width>
<height>70</height>
<depth>3</depth>
</size>
<object>
<name>22</name>
<bndbox>
<xmin>1</xmin>
<ymin>36</ymin>
<xmax>50</xmax>
<ymax>70</ymax>
</bndbox>
</object>
<object>
<name>21</name>
<bndbox>
<xmin>12</xmin>
<ymin>20</ymin>
<xmax>24</xmax>
<ymax>33</ymax>
</bndbox>
</object>
</annotation>
`,
  );
  // Image 3000 (train): must not appear in the test import.
  write(path.join(root, 'Sentences', '3000.txt'), '[/EN#31/people A woman] reads [/EN#32/other a book] .\n');
  write(
    path.join(root, 'Annotations', '3000.xml'),
    `<annotation>
<filename>3000.jpg</filename>
<size>
<width>30</width>
<height>30</height>
<depth>3</depth>
</size>
<object>
<name>31</name>
<bndbox>
<xmin>2</xmin>
<ymin>2</ymin>
<xmax>20</xmax>
<ymax>29</ymax>
</bndbox>
</object>
<object>
<name>32</name>
<bndbox>
<xmin>15</xmin>
<ymin>15</ymin>
<xmax>25</xmax>
<ymax>25</ymax>
</bndbox>
</object>
</annotation>
`,
  );
  write(path.join(root, 'test.txt'), '1000\n2000\n');
  write(path.join(root, 'train.txt'), '3000\n');
  write(path.join(root, 'val.txt'), '');
  await image(path.join(root, 'flickr30k-images', '1000.jpg'), 60, 40, 5);
  await image(path.join(root, 'flickr30k-images', '2000.jpg'), 50, 70, 6);
  await image(path.join(root, 'flickr30k-images', '3000.jpg'), 30, 30, 7);
}

// --- SpatialSense ------------------------------------------------------------------------------------
{
  const root = path.join(ds, 'spatialsense');
  const annotations = [
    {
      url: 'https://farm4.staticflickr.com/3543/5704634119_8b8ccf3229.jpg',
      nsid: '10392797@N03',
      height: 40,
      width: 64,
      split: 'test',
      annotations: [
        {
          _id: '59fbffe4f25c8070bb77ec42',
          predicate: 'on',
          object: { y: 35, x: 30, name: 'ground', bbox: [30, 40, 0, 64] },
          subject: { y: 20, x: 12, name: 'cat', bbox: [5, 30, 2, 20] },
          label: true,
        },
        {
          _id: '59ff0e910de0c80e4077c5f0',
          predicate: 'to the left of',
          object: { y: 10, x: 50, name: 'mirror', bbox: [0, 20, 40, 60] },
          subject: { y: 20, x: 12, name: 'cat', bbox: [5, 30, 2, 20] },
          label: false,
        },
        {
          _id: '5a0123456789abcdef000003',
          predicate: 'in front of',
          object: { y: 12, x: 45, name: 'niño', bbox: [2, 38, 33, 60] },
          subject: { y: 22, x: 40, name: 'piñata', bbox: [10, 34, 30, 50] },
          label: true,
        },
      ],
    },
    {
      url: 'nyu_depth_v2/kitchen_0001/0042.jpg',
      height: 30,
      width: 40,
      split: 'test',
      annotations: [
        {
          _id: '5a0123456789abcdef000004',
          predicate: 'under',
          object: { y: 5, x: 20, name: 'table', bbox: [0, 12, 5, 35] },
          subject: { y: 20, x: 20, name: 'chair', bbox: [12, 30, 10, 30] },
          label: true,
        },
      ],
    },
    {
      url: 'https://farm1.staticflickr.com/1/1111_aaaa.jpg',
      height: 32,
      width: 32,
      split: 'train',
      annotations: [
        {
          _id: '5a0123456789abcdef000005',
          predicate: 'on',
          object: { y: 30, x: 16, name: 'floor', bbox: [24, 32, 0, 32] },
          subject: { y: 16, x: 16, name: 'dog', bbox: [8, 24, 8, 24] },
          label: true,
        },
      ],
    },
    {
      url: 'https://farm2.staticflickr.com/2/2222_bbbb.jpg',
      height: 32,
      width: 32,
      split: 'valid',
      annotations: [
        {
          _id: '5a0123456789abcdef000006',
          predicate: 'above',
          object: { y: 30, x: 16, name: 'rug', bbox: [20, 32, 0, 32] },
          subject: { y: 10, x: 16, name: 'lamp', bbox: [0, 16, 10, 22] },
          label: true,
        },
      ],
    },
  ];
  write(path.join(root, 'annotations.json'), JSON.stringify(annotations));
  await image(path.join(root, 'images', 'flickr', '5704634119_8b8ccf3229.jpg'), 64, 40, 8);
  await image(path.join(root, 'images', 'nyu', '0042.jpg'), 40, 30, 9);
  await image(path.join(root, 'images', 'flickr', '1111_aaaa.jpg'), 32, 32, 10);
  await image(path.join(root, 'images', 'flickr', '2222_bbbb.jpg'), 32, 32, 11);
}

process.stdout.write(`fixtures written under ${out}\n`);
