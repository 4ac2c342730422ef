// Builds a run folder with chosen heatmaps, written by the same code `groundcam eval` uses (RunWriter,
// baseRow/scoredRow, RunAggregator), so that report, render and browse tests know exactly where the
// arg-max, the peaks and the boxes are. Images are written as PNG next to a manifest, or left out.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { CamGrid } from '../../src/cam/grid.js';
import type { Box } from '../../src/data/manifest.js';
import { RunAggregator } from '../../src/metrics/aggregate.js';
import type { InstanceRecord } from '../../src/metrics/instance.js';
import { DEFAULT_METRIC_OPTIONS } from '../../src/metrics/options.js';
import { MetricsWorkspace } from '../../src/metrics/score-instance.js';
import type { RunConfig } from '../../src/runs/evaluate.js';
import { baseRow, errorRow, scoredRow, type RowContext } from '../../src/runs/rows.js';
import { RUN_SCHEMA, RunWriter, type InstanceRow, type RunJson, type RunStatus } from '../../src/runs/store.js';

export interface TestInstance {
  id: string;
  phrase: string;
  width: number;
  height: number;
  boxes: Box[];
  /** The heatmap; null makes an error row ("the model failed"). */
  grid: CamGrid | null;
  /** RGB pixels of the image (W × H × 3); undefined: a flat colour; null: the file is missing. */
  rgb?: Uint8Array | null;
  score?: number;
}

export interface TestRunOptions {
  /** Folder holding the manifest and images (shared by runs over the same data). */
  dataDir: string;
  runDir: string;
  kind?: 'model' | 'baseline';
  model?: string;
  method?: string;
  status?: RunStatus;
  /** Write summary.json (only a complete run has one). */
  summary?: boolean;
  /** Instances the run was to score (an unfinished run has done fewer). */
  total?: number;
}

/** A Gaussian bump at (cx, cy) on a gh × gw grid (cell units), plus `floor`. */
export function bumpGrid(gh: number, gw: number, bumps: { cx: number; cy: number; s: number; h?: number }[], floor = 0): CamGrid {
  const data = new Float32Array(gh * gw).fill(floor);
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      for (const b of bumps) data[i * gw + j]! += (b.h ?? 1) * Math.exp(-((j + 0.5 - b.cx) ** 2 + (i + 0.5 - b.cy) ** 2) / (2 * b.s * b.s));
    }
  }
  return { data, h: gh, w: gw };
}

/** Writes images (unless missing) and the manifest into dataDir; returns the manifest path. */
export async function writeData(dataDir: string, instances: readonly TestInstance[]): Promise<string> {
  mkdirSync(path.join(dataDir, 'images'), { recursive: true });
  const lines: string[] = [];
  for (const [k, inst] of instances.entries()) {
    const image = `images/img-${k}.png`;
    if (inst.rgb !== null) {
      const rgb = inst.rgb ?? new Uint8Array(inst.width * inst.height * 3).fill(200);
      await sharp(Buffer.from(rgb), { raw: { width: inst.width, height: inst.height, channels: 3 } })
        .png()
        .toFile(path.join(dataDir, image));
    }
    lines.push(JSON.stringify({ id: inst.id, image, width: inst.width, height: inst.height, phrase: inst.phrase, boxes: inst.boxes }));
  }
  const manifest = path.join(dataDir, 'manifest.jsonl');
  writeFileSync(manifest, lines.join('\n') + '\n');
  return manifest;
}

/** Writes a run over `instances` (their data must have been written to o.dataDir with writeData). */
export function writeRun(instances: readonly TestInstance[], o: TestRunOptions): { dir: string; rows: InstanceRow[] } {
  const kind = o.kind ?? 'model';
  const config: RunConfig = {
    kind,
    model: kind === 'model' ? (o.model ?? 'testnet') : null,
    model_dir: null,
    family: null,
    method: o.method ?? (kind === 'model' ? 'attention-gradcam' : 'centre'),
    layer: null,
    topk: null,
    tokens: kind === 'model' ? 'all' : null,
    dataset: path.resolve(o.dataDir, 'manifest.jsonl'),
    dataset_name: 'testset',
    split: 'test',
    dataset_sha256: '0',
    metrics: { ...DEFAULT_METRIC_OPTIONS },
    baseline: null,
    shard: null,
    limit: null,
  };
  const now = '2026-11-23T00:00:00.000Z';
  const run: RunJson<RunConfig> = {
    schema: RUN_SCHEMA,
    id: path.basename(o.runDir),
    created: now,
    updated: now,
    status: 'running',
    config,
    provenance: {},
    progress: { done: 0, total: instances.length, errors: 0, invalid: 0 },
  };
  const writer = RunWriter.create(o.runDir, run);
  const ctx: RowContext = { model: config.model, method: config.method, layer: null, tokens: config.tokens, dataset: 'testset', split: 'test' };
  const ws = new MetricsWorkspace();
  const agg = new RunAggregator();
  const rows: InstanceRow[] = [];
  let errors = 0;
  // rows are appended in reverse manifest order, as a sharded or batched run may leave them
  for (const [k, inst] of [...instances.entries()].reverse()) {
    const di = { ...inst, idx: k, line: k + 1, image: `images/img-${k}.png`, imagePath: path.join(o.dataDir, `images/img-${k}.png`) };
    const base = baseRow(di, ctx, { width: inst.width, height: inst.height });
    if (!inst.grid) {
      const row = errorRow(base, 'the model failed on this instance');
      writer.appendBatch([row], [null]);
      rows.push(row);
      errors++;
      continue;
    }
    const extra = inst.score !== undefined ? { score: inst.score } : {};
    const { row, store } = scoredRow(base, inst.grid, inst.boxes, inst.width, inst.height, config.metrics, ws, extra);
    writer.appendBatch([row], [store ? inst.grid : null]);
    rows.push(row);
    agg.addRecord(row as unknown as InstanceRecord);
  }
  const status = o.status ?? 'complete';
  writer.update({ status, progress: { done: rows.length, total: o.total ?? instances.length, errors, invalid: agg.nInvalid } });
  if (o.summary ?? status === 'complete') writer.writeSummary({ ...agg.summary(), n_errors: errors, config, run_dir: o.runDir });
  writer.close();
  return { dir: o.runDir, rows };
}
