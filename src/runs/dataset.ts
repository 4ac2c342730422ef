// The instances a run works on: the manifest read once (light records only, no pixels), its bad lines
// kept for the report, the shard selected, and the instances grouped by image so that the image pass
// is shared by all phrases of an image.
import path from 'node:path';
import { readManifest, type Instance } from '../data/manifest.js';
import { UserError } from '../util/errors.js';

export interface Shard {
  /** 0-based index of this shard. */
  index: number;
  count: number;
}

/** Parses `i/n` (1-based i, as Slurm array tasks are usually written) into a 0-based shard. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UserError(`--shard ${text}: expected i/n, e.g. 1/4 (1-based)`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || i < 1 || i > n) throw new UserError(`--shard ${text}: i must lie in 1..n`);
  return { index: i - 1, count: n };
}

/**
 * The shard from Slurm's array variables when they are set (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT,
 * SLURM_ARRAY_TASK_MIN), else null.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard | null {
  const id = env.SLURM_ARRAY_TASK_ID;
  const count = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || count === undefined) return null;
  const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
  const index = Number(id) - min;
  const n = Number(count);
  if (!Number.isInteger(index) || !Number.isInteger(n) || index < 0 || index >= n) {
    throw new UserError(`SLURM_ARRAY_TASK_ID=${id} SLURM_ARRAY_TASK_COUNT=${count} SLURM_ARRAY_TASK_MIN=${min}: not a valid shard`);
  }
  return { index, count: n };
}

export interface DatasetInstance extends Instance {
  /** Position among the manifest's valid instances (0-based), the order reports sort by. */
  idx: number;
}

export interface LoadedDataset {
  file: string;
  name: string;
  split: string | null;
  instances: DatasetInstance[];
  /** Lines that could not be read: `FILE:LINE: reason`. */
  badLines: string[];
}

/** Dataset name and split: the first two parts of the first id (`refcoco+/testA/...`), else meta.split, else the file name. */
function inferNameAndSplit(file: string, first: Instance | undefined): { name: string; split: string | null } {
  const base = path.basename(file).replace(/\.jsonl?$/i, '');
  if (!first) return { name: base, split: null };
  const parts = first.id.split('/');
  const metaSplit = typeof first.meta?.split === 'string' ? first.meta.split : null;
  if (parts.length >= 3) return { name: parts[0]!, split: metaSplit ?? parts[1]! };
  return { name: base, split: metaSplit };
}

export async function loadDataset(file: string): Promise<LoadedDataset> {
  const instances: DatasetInstance[] = [];
  const badLines: string[] = [];
  for await (const entry of readManifest(file)) {
    if (entry.ok) instances.push({ ...entry.instance, idx: instances.length });
    else badLines.push(`${file}:${entry.line}: ${entry.error}`);
  }
  return { file: path.resolve(file), ...inferNameAndSplit(file, instances[0]), instances, badLines };
}

/** Instances grouped by image, groups in order of first appearance, instances in manifest order. */
export function groupByImage<T extends Pick<Instance, 'imagePath'>>(instances: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const inst of instances) {
    const g = groups.get(inst.imagePath);
    if (g) g.push(inst);
    else groups.set(inst.imagePath, [inst]);
  }
  return [...groups.values()];
}

/**
 * The instances of one shard: whole images, image k (in order of first appearance) going to shard
 * k mod n, so that shards are disjoint, cover the dataset, and never split an image's shared pass.
 */
export function selectShard<T extends Pick<Instance, 'imagePath'>>(instances: readonly T[], shard: Shard | null): T[] {
  if (!shard || shard.count === 1) return [...instances];
  const order = new Map<string, number>();
  for (const inst of instances) if (!order.has(inst.imagePath)) order.set(inst.imagePath, order.size);
  return instances.filter((inst) => order.get(inst.imagePath)! % shard.count === shard.index);
}

/** One unit of work: whole images, and their phrases split into chunks of at most `batchSize`. */
export interface Batch<T> {
  images: string[];
  /** Per image, its instances. */
  groups: T[][];
  /** Phrase chunks: each a list of [image position in `images`, instance]. */
  chunks: [number, T][][];
}

/** Packs image groups into batches of at most `maxImages` images and about `batchSize` phrases. */
export function planBatches<T extends Pick<Instance, 'imagePath'>>(groups: T[][], batchSize: number, maxImages: number): Batch<T>[] {
  const batches: Batch<T>[] = [];
  let cur: Batch<T> = { images: [], groups: [], chunks: [] };
  let phrases = 0;
  const flush = () => {
    if (cur.images.length === 0) return;
    const flat: [number, T][] = cur.groups.flatMap((g, i) => g.map((inst) => [i, inst] as [number, T]));
    for (let k = 0; k < flat.length; k += batchSize) cur.chunks.push(flat.slice(k, k + batchSize));
    batches.push(cur);
    cur = { images: [], groups: [], chunks: [] };
    phrases = 0;
  };
  for (const g of groups) {
    if (cur.images.length > 0 && (cur.images.length >= maxImages || phrases + g.length > batchSize)) flush();
    cur.images.push(g[0]!.imagePath);
    cur.groups.push(g);
    phrases += g.length;
  }
  flush();
  return batches;
}
