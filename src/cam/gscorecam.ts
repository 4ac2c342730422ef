// gScoreCAM for CLIP ResNets (Chen et al., ACCV 2022), orchestrated over the exported graphs
// (models/README.md, "gScoreCAM"): channels ranked by the spatial mean of the gradient, the top k kept,
// each upsampled (bilinear, align_corners=True), min-max normalised and used to mask the input image;
// the CLIP logit of each masked image is that channel's score; weights = softmax over all channels
// (unselected ones scoring 0); cam = relu(Σ w_c A_c) (its final min-max is the metrics' step 2). The masked images depend on
// the image and the channel only, so their embeddings are cached across the phrases of an image.
import type { ModelCard } from '../models/card.js';
import type { GraphRunner } from '../models/runner.js';
import { f32, i64 } from '../models/tensor.js';
import { stackImages, type CamEngine } from './engine.js';
import type { CamGrid } from './grid.js';

/** Indices of the k largest values, largest first; ties: lower index first (models/clip/gscorecam.py top_channels). */
export function topChannels(importance: ArrayLike<number>, k: number): number[] {
  const order = Array.from({ length: importance.length }, (_, c) => c);
  order.sort((a, b) => importance[b]! - importance[a]! || a - b);
  return order.slice(0, Math.min(k, order.length));
}

/** Source indices and weights of bilinear align_corners=True resampling of one axis (torch's UpsamplingBilinear2d). */
function alignedTaps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; l1: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const l1 = new Float64Array(outSize);
  const scale = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  for (let o = 0; o < outSize; o++) {
    const src = scale * o;
    const f = Math.floor(src);
    i0[o] = f;
    i1[o] = f < inSize - 1 ? f + 1 : f;
    l1[o] = src - f;
  }
  return { i0, i1, l1 };
}

/**
 * The mask of one channel: `act` (h × w) upsampled to H × W with bilinear align_corners=True, then
 * `(u − min) / (max − min + 1e-6)`.
 */
export function channelMask(act: ArrayLike<number>, h: number, w: number, H: number, W: number, out = new Float32Array(H * W)): Float32Array {
  const ty = alignedTaps(h, H);
  const tx = alignedTaps(w, W);
  let min = Infinity;
  let max = -Infinity;
  const up = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    const r0 = ty.i0[y]! * w;
    const r1 = ty.i1[y]! * w;
    const b = ty.l1[y]!;
    const a = 1 - b;
    for (let x = 0; x < W; x++) {
      const c0 = tx.i0[x]!;
      const c1 = tx.i1[x]!;
      const d = tx.l1[x]!;
      const e = 1 - d;
      const v = a * (e * act[r0 + c0]! + d * act[r0 + c1]!) + b * (e * act[r1 + c0]! + d * act[r1 + c1]!);
      up[y * W + x] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const den = max - min + 1e-6;
  for (let p = 0; p < H * W; p++) out[p] = (up[p]! - min) / den;
  return out;
}

/** Softmax over all `C` channels of the scores, the unselected channels scoring 0; NaN scores count as 0. */
export function channelWeights(C: number, indices: readonly number[], scores: ArrayLike<number>): Float64Array {
  const full = new Float64Array(C);
  indices.forEach((c, k) => (full[c] = Number.isNaN(scores[k]!) ? 0 : scores[k]!));
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, full[c]!);
  let sum = 0;
  for (let c = 0; c < C; c++) sum += full[c] = Math.exp(full[c]! - max);
  for (let c = 0; c < C; c++) full[c]! /= sum;
  return full;
}

/**
 * cam = relu(Σ_c w_c A_c) over `activations` (C × h × w). gScoreCAM then min-max normalises it
 * (`(x − min) / (max − min + 1e-8)`), a positive affine map that the metrics' own min-max normalisation
 * (metrics.md step 2) undoes, so the grid is kept as it is: normalising twice would only add rounding,
 * which matters when the map's range is a tiny fraction of its values.
 */
export function combineChannels(activations: ArrayLike<number>, C: number, h: number, w: number, weights: ArrayLike<number>): CamGrid {
  const n = h * w;
  const acc = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    const wc = weights[c]!;
    if (wc === 0) continue;
    const base = c * n;
    for (let p = 0; p < n; p++) acc[p]! += wc * activations[base + p]!;
  }
  const data = new Float32Array(n);
  for (let p = 0; p < n; p++) data[p] = acc[p]! > 0 ? acc[p]! : 0;
  return { data, h, w };
}

/** gScoreCAM's final `(x − min) / (max − min + 1e-8)`, for views that want its [0, 1] map. */
export function normaliseCam(grid: CamGrid): CamGrid {
  let min = Infinity;
  let max = -Infinity;
  for (const v of grid.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const den = max - min + 1e-8;
  return { data: grid.data.map((v) => (v - min) / den), h: grid.h, w: grid.w };
}

/** Runs the image graph on masked images and returns their unit-length embeddings, `n × E`. */
export type EmbedMasked = (pixels: Float32Array, n: number) => Promise<Float32Array>;

/**
 * One image's gScoreCAM state: its pixels and layer activations, and the embeddings of its masked
 * images computed so far (by channel), shared by all phrases of the image.
 */
export class GScoreCamImage {
  private readonly embeds = new Map<number, Float32Array>();
  /** Masked forward passes run so far (cache misses). */
  passes = 0;

  constructor(
    private readonly pixels: Float32Array,
    private readonly H: number,
    private readonly W: number,
    readonly activations: Float32Array,
    readonly C: number,
    readonly h: number,
    readonly w: number,
    private readonly embed: EmbedMasked,
    private readonly batch: number,
  ) {}

  /** Embeddings of the masked images of `channels`, computing (in batches) the ones not cached. */
  private async embeddings(channels: readonly number[]): Promise<Float32Array[]> {
    const missing = channels.filter((c) => !this.embeds.has(c));
    const plane = this.H * this.W;
    const mask = new Float32Array(plane);
    for (let start = 0; start < missing.length; start += this.batch) {
      const chunk = missing.slice(start, start + this.batch);
      const masked = new Float32Array(chunk.length * 3 * plane);
      chunk.forEach((c, k) => {
        channelMask(this.activations.subarray(c * this.h * this.w, (c + 1) * this.h * this.w), this.h, this.w, this.H, this.W, mask);
        for (let ch = 0; ch < 3; ch++) {
          const src = ch * plane;
          const dst = (k * 3 + ch) * plane;
          for (let p = 0; p < plane; p++) masked[dst + p] = this.pixels[src + p]! * mask[p]!;
        }
      });
      const out = await this.embed(masked, chunk.length);
      const E = out.length / chunk.length;
      chunk.forEach((c, k) => this.embeds.set(c, out.slice(k * E, (k + 1) * E)));
      this.passes += chunk.length;
    }
    return channels.map((c) => this.embeds.get(c)!);
  }

  /** The gScoreCAM grid of one phrase, from its unit text embedding and its channel importance. */
  async cam(textEmbed: Float32Array, importance: ArrayLike<number>, topk: number, logitScale: number): Promise<CamGrid> {
    const indices = topChannels(importance, topk);
    const embeds = await this.embeddings(indices);
    const scores = embeds.map((e) => {
      let dot = 0;
      for (let i = 0; i < e.length; i++) dot += e[i]! * textEmbed[i]!;
      return logitScale * dot;
    });
    return combineChannels(this.activations, this.C, this.h, this.w, channelWeights(this.C, indices, scores));
  }
}

export interface GScoreCamOptions {
  /** Channels kept (gScoreCAM: 300; default: the model card's cam.topk). */
  topk: number;
  /** Masked images per image-graph call. */
  maskBatch: number;
}

/**
 * The graphs of gScoreCAM: per batch of images the image graph (activations, kept here for the masks);
 * per chunk of phrases the text graph and the grad graph (score, channel importance); then, per phrase,
 * the masked images of its top channels through the image graph, cached per image and channel.
 */
export function gscorecamEngine(card: ModelCard, options: GScoreCamOptions): CamEngine {
  const [H, W] = card.image.size;
  const logitScale = card.cam.logit_scale;
  if (logitScale === undefined) throw new Error('model.json cam.logit_scale is missing (gScoreCAM scores masked images with it)');
  let images: GScoreCamImage[] = [];
  let activations: { data: Float32Array; dims: number[] } | null = null;
  const embedWith = (runner: GraphRunner) => async (pixels: Float32Array, n: number) => {
    const out = await runner.run('image', { pixel_values: f32(pixels, [n, 3, H, W]) }, ['image_embeds']);
    return out.image_embeds!.data as Float32Array;
  };
  return {
    async prepare(runner, batch) {
      const out = await runner.run('image', { pixel_values: f32(stackImages(batch, H, W), [batch.length, 3, H, W]) }, ['activations']);
      const a = out.activations!;
      const [, C, h, w] = a.dims as [number, number, number, number];
      activations = { data: a.data as Float32Array, dims: a.dims };
      images = batch.map(
        (img, i) => new GScoreCamImage(img.pixels, H, W, activations!.data.subarray(i * C * h * w, (i + 1) * C * h * w), C, h, w, embedWith(runner), options.maskBatch),
      );
    },
    async infer(runner, tokens, imageOf) {
      if (!activations) throw new Error('gScoreCAM: prepare() was not run for this batch');
      const text = await runner.run('text', { input_ids: i64(tokens.inputIds, [tokens.B, tokens.T]) });
      const textEmbeds = text.text_embeds!.data as Float32Array;
      const E = textEmbeds.length / tokens.B;
      const grad = await runner.run(
        'grad',
        {
          activations: f32(activations.data.slice(), activations.dims),
          image_index: i64(BigInt64Array.from(imageOf, (i) => BigInt(i)), [imageOf.length]),
          text_embeds: f32(textEmbeds.slice(), [tokens.B, E]),
        },
        ['score', 'importance'],
      );
      const importance = grad.importance!.data as Float32Array;
      const C = importance.length / tokens.B;
      const grids: CamGrid[] = [];
      for (let b = 0; b < tokens.B; b++) {
        grids.push(
          await images[imageOf[b]!]!.cam(textEmbeds.subarray(b * E, (b + 1) * E), importance.subarray(b * C, (b + 1) * C), options.topk, logitScale),
        );
      }
      return { grids, scores: grad.score!.data as Float32Array };
    },
  };
}
