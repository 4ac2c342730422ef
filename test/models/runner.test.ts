import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelCard } from '../../src/models/card.js';
import { parseDevice } from '../../src/models/device.js';
import { GraphRunner } from '../../src/models/runner.js';
import { f32, i64 } from '../../src/models/tensor.js';

const toyDir = fileURLToPath(new URL('../../fixtures/models/toy', import.meta.url));

describe('GraphRunner (inference in a worker thread) on the toy contract model', () => {
  let runner: GraphRunner;
  beforeAll(async () => {
    runner = await GraphRunner.start(loadModelCard(toyDir), { device: parseDevice('auto'), threads: 1 });
  });
  afterAll(async () => runner.close());

  it('falls back to the CPU with one line saying so when no CUDA provider is installed', () => {
    expect(runner.provider).toBe('cpu');
    expect(runner.note).toMatch(/CPU/);
    expect(runner.io.cam!.outputs.sort()).toEqual(['cam', 'score']);
  });

  it('runs a graph and returns its outputs', async () => {
    const px = new Float32Array(2 * 3 * 16 * 16);
    for (let i = 0; i < px.length; i++) px[i] = i % 7;
    const out = await runner.run('image', { pixel_values: f32(px, [2, 3, 16, 16]) });
    expect(out.patches!.dims).toEqual([2, 4, 4]);
    // patch (0,0) of image 0: mean over channels of the 4x4 block's mean.
    let sum = 0;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) sum += (c * 256 + y * 16 + x) % 7;
    expect(out.patches!.data[0]).toBeCloseTo(sum / 48, 5);
  });

  it('keeps image outputs in the worker and feeds them to the cam graph', async () => {
    const px = new Float32Array(2 * 3 * 16 * 16);
    px.fill(1, 0, 3 * 256); // image 0 all ones, image 1 zeros
    const dims = await runner.image('batch-1', { pixel_values: f32(px, [2, 3, 16, 16]) });
    expect(dims.patches).toEqual([2, 4, 4]);
    const cam = await runner.cam('batch-1', {
      image_index: i64(BigInt64Array.from([0n, 1n, 0n]), [3]),
      input_ids: i64(BigInt64Array.from([2n, 5n, 3n, 2n, 3n, 0n, 2n, 7n, 0n]), [3, 3]),
      attention_mask: i64(BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n, 1n, 1n, 0n]), [3, 3]),
    });
    expect(cam.cam!.dims).toEqual([3, 3, 4, 4]);
    expect(Array.from(cam.score!.data as Float32Array)).toEqual([(2 + 5 + 3) * 16, 0, (2 + 7) * 16]);
  });

  it('rejects with the runtime error for a bad request, and keeps working', async () => {
    await expect(runner.cam('never-kept', {})).rejects.toThrow(/no image outputs kept/);
    await expect(runner.run('image', { pixel_values: f32(new Float32Array(3), [3]) })).rejects.toThrow();
    const out = await runner.run('image', { pixel_values: f32(new Float32Array(3 * 256), [1, 3, 16, 16]) });
    expect(out.patches!.dims).toEqual([1, 4, 4]);
  });

  it('refuses --device cuda when the provider is missing, saying how to install it', async () => {
    await expect(GraphRunner.start(loadModelCard(toyDir), { device: parseDevice('cuda:0'), threads: 1 })).rejects.toThrow(/cuda:0.*ONNXRUNTIME_NODE_INSTALL=cuda12/s);
  });
});
