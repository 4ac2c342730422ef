import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelMask, channelWeights, combineChannels, GScoreCamImage, normaliseCam, topChannels } from '../../src/cam/gscorecam.js';

interface Golden {
  C: number;
  h: number;
  w: number;
  H: number;
  W: number;
  activations: number[];
  masks: number[];
  importance: number[];
  top4: number[];
  scores: (number | null)[];
  weights: number[];
  cam: number[];
}
const g = JSON.parse(readFileSync(new URL('./gscorecam.golden.json', import.meta.url), 'utf8')) as Golden;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe('gScoreCAM steps against PyTorch (test/reference/gscorecam_reference.py)', () => {
  it('ranks channels by importance, ties to the lower index', () => {
    expect(topChannels(g.importance, 4)).toEqual(g.top4);
    expect(topChannels([1, 1, 1], 5)).toEqual([0, 1, 2]);
  });

  it('upsamples each channel with bilinear align_corners=True and min-max normalises it', () => {
    const plane = g.H * g.W;
    for (let c = 0; c < g.C; c++) {
      const mask = channelMask(g.activations.slice(c * g.h * g.w, (c + 1) * g.h * g.w), g.h, g.w, g.H, g.W);
      close(mask, g.masks.slice(c * plane, (c + 1) * plane), 1e-6);
    }
  });

  it('softmaxes over every channel with unselected (and NaN) scores at 0, then combines', () => {
    const weights = channelWeights(g.C, g.top4, g.scores.map((s) => (s === null ? Number.NaN : s)));
    close(weights, g.weights, 1e-12);
    close(normaliseCam(combineChannels(g.activations, g.C, g.h, g.w, weights)).data, g.cam, 1e-6);
  });

  it('caches the masked images of an image across phrases', async () => {
    const pixels = new Float32Array(3 * g.H * g.W).fill(1);
    let calls = 0;
    const embed = async (masked: Float32Array, n: number) => {
      calls++;
      // A fake embedding that depends on the masked pixels (its mean), unit length in 1-D.
      const out = new Float32Array(n * 2);
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let p = 0; p < 3 * g.H * g.W; p++) s += masked[k * 3 * g.H * g.W + p]!;
        const m = s / (3 * g.H * g.W);
        out[2 * k] = m;
        out[2 * k + 1] = Math.sqrt(Math.max(0, 1 - m * m));
      }
      return out;
    };
    const image = new GScoreCamImage(pixels, g.H, g.W, Float32Array.from(g.activations), g.C, g.h, g.w, embed, 2);
    const text = Float32Array.from([1, 0]);
    const a = await image.cam(text, g.importance, 4, 10);
    expect(image.passes).toBe(4);
    expect(calls).toBe(2);
    await image.cam(text, g.importance.map((v, c) => (c === 4 ? 9 : v)), 4, 10);
    expect(image.passes).toBe(5); // one new channel (4) among the top 4
    expect(a.data.every((v) => v >= 0)).toBe(true);
  });
});
