import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../../src/models/card.js';
import { decodeImage, preprocessImage, readImageSize } from '../../src/models/preprocess.js';

interface Case {
  image: string;
  size: [number, number];
  crop: 'none' | 'center';
  resize: 'bicubic' | 'bilinear';
  pixels: string;
}
const golden = JSON.parse(readFileSync(new URL('./preprocess.golden.json', import.meta.url), 'utf8')) as {
  mean: [number, number, number];
  std: [number, number, number];
  cases: Case[];
};
const imagePath = (name: string) => fileURLToPath(new URL(`../../fixtures/images/${name}`, import.meta.url));

describe('preprocessImage matches the PIL + torchvision reference (test/reference/preprocess_reference.py)', () => {
  it.each(golden.cases)('$image → $size ($crop, $resize)', async (c) => {
    const spec: ModelCard['image'] = { size: c.size, resize: c.resize, crop: c.crop, mean: golden.mean, std: golden.std, rescale: 1 / 255 };
    const { pixels } = await preprocessImage(imagePath(c.image), spec);
    const ref = new Float32Array(new Uint8Array(Buffer.from(c.pixels, 'base64')).buffer);
    expect(pixels.length).toBe(ref.length);
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(pixels[i]! - ref[i]!));
    // Same 8-bit pixels; only float rounding of the normalisation differs. JPEG decoding may differ by
    // one level between libjpeg builds (1/255/std ≈ 0.015).
    expect(maxDiff).toBeLessThan(c.image.endsWith('.jpg') ? 0.016 : 1e-5);
  });

  it('decodes grey and RGBA images to RGB and reads sizes without decoding', async () => {
    const grey = await decodeImage(imagePath('grey-25x40.png'));
    expect([grey.width, grey.height, grey.rgb.length]).toEqual([25, 40, 25 * 40 * 3]);
    expect(await readImageSize(imagePath('noise-rgba-47x31.png'))).toEqual({ width: 47, height: 31 });
  });

  it('rejects a file that is not an image', async () => {
    await expect(decodeImage(fileURLToPath(import.meta.url))).rejects.toThrow();
  });
});
