// `npm run bench:metrics`: instances per second of the metrics (every metric, 24 × 24 grids scored
// against 640 × 480 images), for groundcam and for the straightforward numpy implementation
// (test/reference/metrics_reference.py) measured in the same run on the same instances, and their ratio.
// Goals: >= 300 instances/s on one core, >= 3× numpy. Both sides run single-threaded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Box } from '../src/data/manifest.js';
import { encodeNpy } from '../src/data/npy.js';
import { INSTANCE_METRIC_FIELDS, isInvalid, type InstanceScore } from '../src/metrics/instance.js';
import { resolveMetricOptions } from '../src/metrics/options.js';
import { MetricsWorkspace, scoreInstance } from '../src/metrics/score-instance.js';
import { Xoshiro128 } from '../src/metrics/stats.js';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../../..');
const W = 640;
const H = 480;
const G = 24;
const INSTANCES = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function makeInstances(): { grids: Float32Array; boxes: Box[][] } {
  const rng = new Xoshiro128(2024);
  const u = () => (rng.nextUint32() + 0.5) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const grids = Float32Array.from({ length: INSTANCES * G * G }, normal);
  const boxes: Box[][] = [];
  for (let k = 0; k < INSTANCES; k++) {
    const list: Box[] = [];
    for (let b = 1 + (k % 3); b > 0; b--) {
      const x0 = u() * W * 0.8;
      const y0 = u() * H * 0.8;
      list.push([x0, y0, Math.min(W, x0 + 20 + u() * W * 0.5), Math.min(H, y0 + 20 + u() * H * 0.5)]);
    }
    boxes.push(list);
  }
  return { grids, boxes };
}

function timeGroundcam(grids: Float32Array, boxes: Box[][]): { perSecond: number; cpuPerSecond: number; scores: InstanceScore[] } {
  const options = resolveMetricOptions({});
  const ws = new MetricsWorkspace();
  const grid = (k: number) => grids.subarray(k * G * G, (k + 1) * G * G);
  const scores = boxes.map((b, k) => scoreInstance(grid(k), G, G, b, W, H, options, ws)); // warm-up
  let scored = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let k = 0; k < INSTANCES; k++) scoreInstance(grid(k), G, G, boxes[k]!, W, H, options, ws);
    scored += INSTANCES;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < SECONDS);
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: scored / elapsed, cpuPerSecond: scored / ((cpu.user + cpu.system) / 1e6), scores };
}

function findPython(): string | null {
  for (const py of [path.join(ROOT, '.venv/bin/python'), 'python3']) {
    if (py.includes('/') && !existsSync(py)) continue;
    if (spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0) return py;
  }
  return null;
}

function main(): void {
  const { grids, boxes } = makeInstances();
  console.log(`bench:metrics — ${INSTANCES} instances, ${G}×${G} float32 grids (standard normal) → ${W}×${H} images, 1–3 boxes, every metric, default options`);
  const python = findPython();
  const g = timeGroundcam(grids, boxes);
  console.log(`groundcam: ${g.perSecond.toFixed(1)} instances/s (${(1000 / g.perSecond).toFixed(2)} ms each; ${g.cpuPerSecond.toFixed(1)}/s of CPU time)`);
  if (python === null) {
    console.log('numpy:     not measured — no Python with numpy. Install it with:');
    console.log('           python3 -m venv .venv && .venv/bin/pip install -r test/reference/requirements.txt');
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-metrics-'));
  try {
    writeFileSync(path.join(dir, 'grids.npy'), encodeNpy(grids, [INSTANCES, G, G]));
    writeFileSync(path.join(dir, 'instances.json'), JSON.stringify({ width: W, height: H, boxes }));
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const r = spawnSync(python, [path.join(ROOT, 'bench/metrics_numpy.py'), dir, String(SECONDS)], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`numpy side failed:\n${r.stderr}`);
    const np = JSON.parse(r.stdout) as { instances_per_s: number; numpy: string; records: Record<string, unknown>[] };
    console.log(`numpy:     ${np.instances_per_s.toFixed(1)} instances/s (${(1000 / np.instances_per_s).toFixed(2)} ms each; numpy ${np.numpy}, one thread)`);
    // the two must agree, or the comparison means nothing
    let maxDiff = 0;
    let mismatches = 0;
    g.scores.forEach((s, k) => {
      const want = np.records[k]!;
      if (isInvalid(s) || 'invalid' in want) {
        if (isInvalid(s) !== 'invalid' in want) mismatches++;
        return;
      }
      for (const f of INSTANCE_METRIC_FIELDS) {
        const a = s[f];
        const b = want[f];
        if (typeof a === 'number' && !['pg_hit', 'pg_uncertain', 'peaks'].includes(f)) maxDiff = Math.max(maxDiff, Math.abs(a - (b as number)));
        else if (a !== b) mismatches++;
      }
    });
    console.log(`agreement: max |difference| ${maxDiff.toExponential(1)} on continuous metrics, ${mismatches} mismatches on pg_hit/pg_uncertain/peaks/degenerate`);
    const ratio = g.perSecond / np.instances_per_s;
    console.log(`ratio:     ${ratio.toFixed(1)}× numpy   (goals: >= 300 instances/s ${g.perSecond >= 300 ? 'met' : 'NOT met'}; >= 3× numpy ${ratio >= 3 ? 'met' : 'NOT met'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
