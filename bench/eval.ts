// `npm run bench:eval`: groundcam's evaluation against the two PyTorch loops it replaces, on the same
// base-size ALBEF (random weights; exported once into models/build/) and the same data (a RefCOCO-like
// shapes set: about 3 phrases per image, images 240–640 px), in the same run:
//   - groundcam: decoding, Pillow-exact preprocessing, the image graph once per image and the CAM graph per
//     phrase in the inference worker, the token rule, every metric (src/runs/model-job.ts);
//   - PyTorch reference loop: ALBEF's Grounding.py (image encoder per phrase, backward() through everything);
//   - PyTorch tuned loop: image pass shared per image, gradient with respect to the attention map only.
// Prints the three throughputs, the share of the machine's FP32 peak groundcam reaches, and as its last
// two lines `speedup_vs_torch: X.XX` (vs the reference loop) and `speedup_vs_torch_tuned: Y.YY`.
// Environment: BENCH_IMAGES (default 12), BENCH_MODEL (default models/build/albef-base-random),
// BENCH_DEVICE (default cpu; cuda on a GPU machine), BENCH_THREADS (default: all cores).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attentionGradcamEngine } from '../src/cam/attention-gradcam.js';
import { generateShapes } from '../src/data/shapes/index.js';
import { resolveMetricOptions } from '../src/metrics/options.js';
import { loadModelCard } from '../src/models/card.js';
import { parseDevice } from '../src/models/device.js';
import { GraphRunner } from '../src/models/runner.js';
import { PhraseTokenizer } from '../src/models/tokenizer.js';
import { loadDataset, type DatasetInstance } from '../src/runs/dataset.js';
import { runModelJob } from '../src/runs/model-job.js';
import type { InstanceRow } from '../src/runs/store.js';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const IMAGES = Number(process.env.BENCH_IMAGES ?? 12);
const MODEL = path.resolve(ROOT, process.env.BENCH_MODEL ?? 'models/build/albef-base-random');
const DEVICE = process.env.BENCH_DEVICE ?? 'cpu';
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const PYTHON = path.join(ROOT, '.venv/bin/python');

function ensureModel(): void {
  if (existsSync(path.join(MODEL, 'model.json'))) return;
  if (!existsSync(PYTHON)) throw new Error('no .venv: run `npm run setup:python` first (the PyTorch loops and the export need it)');
  console.log(`exporting a base-size ALBEF with random weights to ${MODEL} (once; a few minutes, ~5 GB of memory)...`);
  const r = spawnSync(PYTHON, ['-m', 'models.export', 'albef', '--random-init', 'base', '--out', MODEL], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('export failed');
}

/** The machine's FP32 peak: cores × clock × FLOPs per cycle of its widest FMA units. */
function fp32Peak(): { gflops: number; text: string } {
  let flags = '';
  let mhz = cpus()[0]?.speed ?? 0;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    flags = /^flags\s*:(.*)$/m.exec(info)?.[1] ?? '';
    const max = /^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1];
    if (max) mhz = Math.max(mhz, Number(max));
  } catch {
    /* not Linux: clock from os.cpus() */
  }
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(flags);
  const [perCycle, isa] = has('avx512f') ? [64, 'AVX-512 FMA'] : has('avx2') && has('fma') ? [32, 'AVX2 FMA'] : [16, 'SSE'];
  const cores = availableParallelism();
  const gflops = (cores * mhz * perCycle) / 1000;
  return { gflops, text: `${cores} cores × ${(mhz / 1000).toFixed(2)} GHz × ${perCycle} FP32 FLOP/cycle (${isa}) = ${gflops.toFixed(0)} GFLOP/s` };
}

async function timeGroundcam(todo: DatasetInstance[]): Promise<{ seconds: number; rows: InstanceRow[]; provider: string }> {
  const model = loadModelCard(MODEL);
  const runner = await GraphRunner.start(model, { device: parseDevice(DEVICE), threads: THREADS });
  const rows: InstanceRow[] = [];
  const job = (instances: DatasetInstance[], emit: (r: InstanceRow[]) => void) =>
    runModelJob(instances, {
      model,
      runners: [runner],
      tokenizer: PhraseTokenizer.load(model),
      engine: attentionGradcamEngine(model.card, model.card.cam.tokens),
      metrics: resolveMetricOptions(),
      batchSize: 32,
      imagesPerBatch: 8,
      rowContext: { model: model.card.name, method: model.card.method, layer: model.card.cam.layer, tokens: model.card.cam.tokens, dataset: 'bench', split: null },
      emit,
      signal: new AbortController().signal,
    });
  try {
    await job(todo.filter((i) => i.imagePath === todo[0]!.imagePath), () => {}); // warm-up
    const start = performance.now();
    await job(todo, (r) => rows.push(...r));
    return { seconds: (performance.now() - start) / 1000, rows, provider: runner.provider };
  } finally {
    await runner.close();
  }
}

async function main(): Promise<void> {
  ensureModel();
  const dataDir = path.join(ROOT, 'bench/out/eval-data');
  const manifest = path.join(dataDir, `shapes-val-seed7-${IMAGES}.jsonl`);
  if (!existsSync(manifest)) await generateShapes({ split: 'val', seed: 7, n: IMAGES, imagesDir: path.join(dataDir, 'images'), out: manifest });
  const dataset = await loadDataset(manifest);
  const todo = dataset.instances;
  const card = loadModelCard(MODEL).card;
  console.log(
    `bench:eval — ${card.name} (${card.family}, image ${card.image.size.join('×')}, CAM layer ${card.cam.layer}), ` +
      `${IMAGES} images / ${todo.length} phrases (${(todo.length / IMAGES).toFixed(2)} per image, shapes val seed 7), ${THREADS} threads`,
  );

  // groundcam is timed before and after the PyTorch loops (which repeat theirs): the best of each side
  // is compared, so that load from other processes at one moment does not decide the ratio.
  const first = await timeGroundcam(todo);
  const errors = first.rows.filter((r) => r.error !== undefined);
  if (errors.length > 0) throw new Error(`groundcam had ${errors.length} error rows, e.g. ${errors[0]!.error}`);

  const r = spawnSync(PYTHON, [path.join(ROOT, 'bench/eval_torch.py'), '--model', MODEL, '--manifest', manifest, '--threads', String(THREADS)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`the PyTorch loops failed:\n${r.stderr}`);
  const second = await timeGroundcam(todo);
  const g = first.seconds <= second.seconds ? first : second;
  const gRate = todo.length / g.seconds;
  console.log(
    `groundcam (onnxruntime ${g.provider}):       ${gRate.toFixed(3)} instances/s (best of ${first.seconds.toFixed(1)} s, ${second.seconds.toFixed(1)} s; every metric included)`,
  );
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    torch: string;
    reference: { seconds: number; per_second: number; all_seconds: number[] };
    tuned: { seconds: number; per_second: number; all_seconds: number[] };
    flops_per_image: number;
    flops_per_phrase: number;
    flops_per_instance: number;
  };
  console.log(`PyTorch ${t.torch} reference loop (Grounding.py): ${t.reference.per_second.toFixed(3)} instances/s (best of ${t.reference.all_seconds.map((x) => x.toFixed(1)).join(' s, ')} s)`);
  console.log(`PyTorch ${t.torch} tuned loop:                    ${t.tuned.per_second.toFixed(3)} instances/s (best of ${t.tuned.all_seconds.map((x) => x.toFixed(1)).join(' s, ')} s)`);
  const peak = fp32Peak();
  const achieved = (t.flops_per_instance * gRate) / 1e9;
  console.log(
    `FLOPs: ${(t.flops_per_image / 1e9).toFixed(1)} GFLOP per image + ${(t.flops_per_phrase / 1e9).toFixed(2)} GFLOP per phrase = ` +
      `${(t.flops_per_instance / 1e9).toFixed(1)} GFLOP per instance (FlopCounterMode on the exported functions)`,
  );
  if (g.provider === 'cpu') console.log(`groundcam reaches ${achieved.toFixed(1)} GFLOP/s = ${((100 * achieved) / peak.gflops).toFixed(1)}% of the FP32 peak (${peak.text})`);
  else console.log(`groundcam reaches ${achieved.toFixed(1)} GFLOP/s on the GPU`);
  console.log(`speedup_vs_torch: ${(gRate / t.reference.per_second).toFixed(2)}`);
  console.log(`speedup_vs_torch_tuned: ${(gRate / t.tuned.per_second).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(`bench:eval: ${(err as Error).message}`);
  process.exitCode = 1;
});
