// Attention-GradCAM (ALBEF Grounding.py, LAVIS compute_gradcam): the CAM graph already returns
// mean_heads(attn · relu(∂score/∂attn)) for every text position, `[B, T, gh, gw]`; here the positions
// are averaged into one grid per phrase by the token rule.
import ndarray from 'ndarray';
import type { ModelCard } from '../models/card.js';
import { f32, i64 } from '../models/tensor.js';
import { stackImages, type CamEngine } from './engine.js';
import type { CamGrid } from './grid.js';

/**
 * `all`: every position of the phrase, special tokens included (ALBEF averages over all positions;
 * it also counts the batch's padding, which only scales the map by a constant that min-max
 * normalisation removes). `words`: positions 1 … L-2, the word tokens without [CLS]/[ENC] and [SEP] (LAVIS).
 */
export type TokenRule = 'all' | 'words';

/** Positions `[from, to)` the rule averages for a phrase of unpadded length `length`. */
export function tokenRange(rule: TokenRule, length: number): [number, number] {
  return rule === 'all' ? [0, length] : [1, Math.max(1, length - 1)];
}

/**
 * Reduces per-token CAM grids `[B, T, gh, gw]` to one grid per phrase.
 * `lengths[b]` is phrase b's unpadded token count. A phrase with no position to average gets NaN grids
 * (it cannot be scored; the caller reports it).
 */
export function reduceTokens(cam: Float32Array, dims: readonly number[], lengths: readonly number[], rule: TokenRule): CamGrid[] {
  const [B, T, h, w] = dims as [number, number, number, number];
  const view = ndarray(cam, [B, T, h * w]);
  const out: CamGrid[] = [];
  for (let b = 0; b < B; b++) {
    const [from, to] = tokenRange(rule, Math.min(lengths[b]!, T));
    const grid = new Float32Array(h * w);
    const n = to - from;
    if (n <= 0) grid.fill(Number.NaN);
    else {
      const acc = new Float64Array(h * w);
      for (let t = from; t < to; t++) {
        const row = view.pick(b, t, null);
        for (let p = 0; p < h * w; p++) acc[p]! += row.get(p);
      }
      for (let p = 0; p < h * w; p++) grid[p] = acc[p]! / n;
    }
    out.push({ data: grid, h, w });
  }
  return out;
}

/**
 * The graphs of attention-GradCAM (and of the single-map `gradcam` method, T = 1): the image graph once per
 * batch of images, its outputs kept in the worker; the CAM graph per chunk of phrases against them.
 */
export function attentionGradcamEngine(card: ModelCard, rule: TokenRule): CamEngine {
  const [H, W] = card.image.size;
  return {
    async prepare(runner, images, key) {
      await runner.image(key, { pixel_values: f32(stackImages(images, H, W), [images.length, 3, H, W]) });
    },
    async infer(runner, tokens, imageOf, key) {
      const out = await runner.cam(key, {
        image_index: i64(BigInt64Array.from(imageOf, (i) => BigInt(i)), [imageOf.length]),
        input_ids: i64(tokens.inputIds, [tokens.B, tokens.T]),
        attention_mask: i64(tokens.attentionMask, [tokens.B, tokens.T]),
      });
      const cam = out.cam!;
      return { grids: reduceTokens(cam.data as Float32Array, cam.dims, tokens.lengths, rule), scores: out.score!.data as Float32Array };
    },
  };
}
