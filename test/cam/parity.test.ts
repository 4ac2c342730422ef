// The evaluator's whole CAM path on the exported fixtures — our tokenizer, the inference worker, the
// CAM engines (attention-GradCAM token rule, gScoreCAM orchestration) — against the PyTorch goldens
// that `python -m models.fixtures` computed the way each reference implementation does it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attentionGradcamEngine, reduceTokens } from '../../src/cam/attention-gradcam.js';
import type { CamEngine } from '../../src/cam/engine.js';
import { gscorecamEngine } from '../../src/cam/gscorecam.js';
import { loadModelCard } from '../../src/models/card.js';
import type { Preprocessed } from '../../src/models/preprocess.js';
import { GraphRunner } from '../../src/models/runner.js';
import { PhraseTokenizer } from '../../src/models/tokenizer.js';
import { readNpy } from '../models/npy.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/models');
const NAMES = readdirSync(FIXTURES).filter((n) => existsSync(path.join(FIXTURES, n, 'golden', 'golden.json')));

interface GoldenCase {
  name: string;
  phrases: string[];
  input_ids: number[][];
  attention_mask: number[][];
  graphs: Record<string, { inputs: Record<string, string>; outputs: Record<string, string> }>;
  gscorecam?: Record<string, string>;
}

/** max|a − b| <= rtol · max|b| (the goldens' own tolerance). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5) {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  expect(diff).toBeLessThanOrEqual(rtol * Math.max(scale, 1e-12));
}

describe.each(NAMES)('evaluator vs PyTorch golden: %s', (name) => {
  const dir = path.join(FIXTURES, name);
  const model = loadModelCard(dir);
  const golden = JSON.parse(readFileSync(path.join(dir, 'golden', 'golden.json'), 'utf8')) as { cases: GoldenCase[] };
  const runners: GraphRunner[] = [];
  afterAll(async () => Promise.all(runners.map((r) => r.close())));
  const npy = (file: string) => readNpy(path.join(dir, 'golden', file));

  it.each(golden.cases.map((c) => [c.name, c] as const))('case %s: token ids, then the heatmap of every phrase', async (_n, c) => {
    const tokenizer = PhraseTokenizer.load(model);
    const tokens = tokenizer.batch(c.phrases.map((p) => tokenizer.encode(p)));
    expect(Array.from(tokens.inputIds, Number)).toEqual(c.input_ids.flat());
    expect(Array.from(tokens.attentionMask, Number)).toEqual(c.attention_mask.flat());

    const pixels = npy(c.graphs.image!.inputs.pixel_values!);
    const [I, , H, W] = pixels.shape as [number, number, number, number];
    const images: Preprocessed[] = Array.from({ length: I }, (_, i) => ({
      pixels: (pixels.data as Float32Array).slice(i * 3 * H * W, (i + 1) * 3 * H * W),
      width: W,
      height: H,
    }));
    const indexFile = c.graphs.cam?.inputs.image_index ?? c.graphs.grad!.inputs.image_index!;
    const imageOf = Array.from(npy(indexFile).data as BigInt64Array, Number);

    const runner = await GraphRunner.start(model, { device: { kind: 'cpu' }, threads: 1 });
    runners.push(runner);
    const card = model.card;
    const engine: CamEngine =
      card.method === 'gscorecam' ? gscorecamEngine(card, { topk: card.cam.topk!, maskBatch: 5 }) : attentionGradcamEngine(card, card.cam.tokens);
    await engine.prepare(runner, images, `golden-${c.name}`);
    const out = await engine.infer(runner, tokens, imageOf, `golden-${c.name}`);

    if (card.method === 'gscorecam') {
      // relu(Σ w·A) before gScoreCAM's last min-max, which the metrics redo (and which amplifies float32
      // rounding of the reference a thousandfold when the map's range is 1e-3 of its values, as here).
      const cam = npy(c.gscorecam!.cam_raw!);
      out.grids.forEach((g, b) => expectClose(g.data, (cam.data as Float32Array).subarray(b * g.h * g.w, (b + 1) * g.h * g.w)));
      expectClose(out.scores, npy(c.graphs.grad!.outputs.score!).data as Float32Array);
    } else {
      const cam = npy(c.graphs.cam!.outputs.cam!);
      const expected = reduceTokens(cam.data as Float32Array, cam.shape, tokens.lengths, card.cam.tokens);
      out.grids.forEach((g, b) => expectClose(g.data, expected[b]!.data));
      expectClose(out.scores, npy(c.graphs.cam!.outputs.score!).data as Float32Array);
    }
  });
});
