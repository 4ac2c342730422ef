// The bundled model as the TypeScript evaluator runs it: model.json loaded and checked by
// dist/models/card.js, images preprocessed by dist/models/preprocess.js (Pillow-exact resize), phrases
// tokenised by dist/models/tokenizer.js, both graphs run in onnxruntime-node, the CAM reduced with the
// `all` token rule. Writes what it got as JSON, for models/shapes_train/verify.py to compare with PyTorch.
//   node models/shapes_train/check-node.mjs <model dir> <request.json> <out.json>
// request.json: {"images": [absolute paths], "phrases": [...], "image_index": [...]}
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { loadModelCard } = await import(path.join(root, 'dist/models/card.js'));
const { PhraseTokenizer } = await import(path.join(root, 'dist/models/tokenizer.js'));
const { preprocessImage } = await import(path.join(root, 'dist/models/preprocess.js'));
const { reduceTokens } = await import(path.join(root, 'dist/cam/attention-gradcam.js'));

const [dir, requestFile, outFile] = process.argv.slice(2);
const request = JSON.parse(readFileSync(requestFile, 'utf8'));
const model = loadModelCard(dir);
const { card } = model;
const [H, W] = card.image.size;

const pixels = [];
for (const file of request.images) pixels.push((await preprocessImage(file, card.image)).pixels);
const flat = new Float32Array(pixels.length * 3 * H * W);
pixels.forEach((p, i) => flat.set(p, i * 3 * H * W));

const tokenizer = PhraseTokenizer.load(model);
const encoded = request.phrases.map((p) => tokenizer.encode(p));
const batch = tokenizer.batch(encoded);

const options = { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 };
const image = await ort.InferenceSession.create(model.graphFiles.image, options);
const cam = await ort.InferenceSession.create(model.graphFiles.cam, options);
const kv = await image.run({ pixel_values: new ort.Tensor('float32', flat, [pixels.length, 3, H, W]) });
const out = await cam.run({
  ...kv, // the fusion layers' keys and values: CAM-graph inputs of the same names
  image_index: new ort.Tensor('int64', BigInt64Array.from(request.image_index.map(BigInt)), [request.image_index.length]),
  input_ids: new ort.Tensor('int64', batch.inputIds, [batch.B, batch.T]),
  attention_mask: new ort.Tensor('int64', batch.attentionMask, [batch.B, batch.T]),
});
const grids = reduceTokens(out.cam.data, out.cam.dims, batch.lengths, 'all');
writeFileSync(outFile, JSON.stringify({
  onnxruntime: ort.env.versions?.common ?? null,
  pixels: pixels.map((p) => Array.from(p)),
  ids: encoded.map((e) => e.ids),
  tokens: encoded.map((e) => e.tokens),
  score: Array.from(out.score.data),
  cam: grids.map((g) => Array.from(g.data)),
}));
console.log(`onnxruntime-node ran ${card.name}: ${pixels.length} images, ${batch.B} phrases, cam ${out.cam.dims.join('x')}`);
