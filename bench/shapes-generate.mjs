// Benchmark of the shapes generator: `npm run build && node bench/shapes-generate.mjs [images]`.
// Times each stage on the same images (plan: scene + coverage + phrases; render: background + shapes;
// encode: PNG with sharp) and a full `generateShapes` run, and prints them against the reference in the
// same process: sharp encoding the very same pixels, the part of the work that is not ours.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateShapes } from '../dist/data/shapes/generate.js';
import { SHAPES_DEFAULTS } from '../dist/data/shapes/options.js';
import { planScene, renderScene } from '../dist/data/shapes/scene.js';

const n = Number(process.argv[2] ?? 1000);
const warm = Math.min(50, n);
for (let i = 0; i < warm; i++) renderScene(planScene(1, 'train', i)); // warm-up (JIT)

let t = performance.now();
const scenes = [];
for (let i = 0; i < n; i++) scenes.push(planScene(0, 'train', i));
const plan = performance.now() - t;

t = performance.now();
const pixels = scenes.map((s) => renderScene(s));
const render = performance.now() - t;

t = performance.now();
let bytes = 0;
for (let i = 0; i < n; i++) {
  const s = scenes[i];
  const png = await sharp(pixels[i], { raw: { width: s.width, height: s.height, channels: 3 } })
    .png({ compressionLevel: SHAPES_DEFAULTS.compressionLevel })
    .toBuffer();
  bytes += png.length;
}
const encode = performance.now() - t;

const dir = mkdtempSync(path.join(tmpdir(), 'groundcam-bench-shapes-'));
t = performance.now();
const report = await generateShapes({ split: 'train', n, seed: 0, imagesDir: path.join(dir, 'images'), out: path.join(dir, 'm.jsonl') });
const total = performance.now() - t;
rmSync(dir, { recursive: true, force: true });

const per = (ms) => `${(ms / n).toFixed(2)} ms/image`;
console.log(`shapes generator, ${n} train images (${report.instances} phrases), Node ${process.version}`);
console.log(`  plan    ${per(plan)}   (${(plan / encode).toFixed(2)}x the encode reference)`);
console.log(`  render  ${per(render)}   (${(render / encode).toFixed(2)}x)`);
console.log(`  encode  ${per(encode)}   (reference: sharp PNG level ${SHAPES_DEFAULTS.compressionLevel}, one at a time; ${(bytes / n / 1024).toFixed(1)} KiB/image)`);
console.log(`  generateShapes end to end: ${per(total)} = ${((1000 * n) / total).toFixed(0)} images/s (${(total / encode).toFixed(2)}x the encode reference; encodes overlap drawing)`);
console.log(`  20,000 images would take about ${((total / n) * 20).toFixed(0)} s and ${((bytes / n) * 20000 / 2 ** 20).toFixed(0)} MiB`);
