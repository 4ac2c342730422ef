// The canonical manifest (../shared/spec/datasets.md): JSON Lines, one instance per line.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../util/errors.js';

/** `[x0, y0, x1, y1]` in continuous pixel coordinates, (0,0) = top-left corner of the top-left pixel. */
export type Box = [number, number, number, number];

/** One manifest line as written on disk. */
export interface ManifestRow {
  id: string;
  image: string;
  width?: number;
  height?: number;
  phrase: string;
  boxes: Box[];
  meta?: Record<string, unknown>;
  /** Optional path to a 2-D `.npy` heatmap (read by `groundcam score`). */
  heatmap?: string;
}

/** A parsed line, with paths resolved against the manifest's folder and its line number kept. */
export interface Instance extends ManifestRow {
  line: number;
  imagePath: string;
  heatmapPath?: string;
}

/** Why a line is unusable: not JSON, not a manifest row, or an id already used on an earlier line. */
export type ManifestLineProblem = 'json' | 'schema' | 'duplicate-id';

export type ManifestEntry =
  | { ok: true; line: number; instance: Instance }
  /** `id` is set when the line is a JSON object with a usable, not yet seen id (so a caller can report it per instance). */
  | { ok: false; line: number; error: string; code: ManifestLineProblem; id?: string };

/** A problem with a manifest as a whole or with one of its lines; `line` is 1-based. */
export class ManifestError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`, 2);
    this.name = 'ManifestError';
  }
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks one decoded JSON value against the manifest schema; returns the reason it is unusable, or the row. */
export function parseRow(value: unknown): ManifestRow | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || v.id === '') return '"id" must be a non-empty string';
  if (typeof v.image !== 'string' || v.image === '') return `"image" must be a non-empty string (instance ${v.id})`;
  if (typeof v.phrase !== 'string') return `"phrase" must be a string (instance ${v.id})`;
  for (const key of ['width', 'height'] as const) {
    const d = v[key];
    if (d !== undefined && !(Number.isInteger(d) && (d as number) > 0)) {
      return `"${key}" must be a positive integer when present (instance ${v.id})`;
    }
  }
  if (!Array.isArray(v.boxes)) return `"boxes" must be a list of [x0, y0, x1, y1] (instance ${v.id})`;
  const boxes: Box[] = [];
  for (const [k, b] of v.boxes.entries()) {
    if (!Array.isArray(b) || b.length !== 4 || !b.every(isFiniteNumber)) {
      return `box ${k} must be four finite numbers [x0, y0, x1, y1] (instance ${v.id})`;
    }
    const [x0, y0, x1, y1] = b as number[] as Box;
    if (x1 < x0 || y1 < y0) return `box ${k} has x1 < x0 or y1 < y0: [${b.join(', ')}] (instance ${v.id})`;
    boxes.push([x0, y0, x1, y1]);
  }
  if (v.meta !== undefined && (v.meta === null || typeof v.meta !== 'object' || Array.isArray(v.meta))) {
    return `"meta" must be an object when present (instance ${v.id})`;
  }
  if (v.heatmap !== undefined && (typeof v.heatmap !== 'string' || v.heatmap === '')) {
    return `"heatmap" must be a path when present (instance ${v.id})`;
  }
  const row: ManifestRow = { id: v.id, image: v.image, phrase: v.phrase, boxes };
  if (v.width !== undefined) row.width = v.width as number;
  if (v.height !== undefined) row.height = v.height as number;
  if (v.meta !== undefined) row.meta = v.meta as Record<string, unknown>;
  if (v.heatmap !== undefined) row.heatmap = v.heatmap as string;
  return row;
}

/**
 * Streams a manifest line by line (never the whole file in memory). Bad lines come back as
 * `{ok: false}` entries with their line number, so a caller can report them and go on.
 * A missing or unreadable file throws a ManifestError.
 */
export async function* readManifest(file: string): AsyncGenerator<ManifestEntry> {
  const dir = path.dirname(path.resolve(file));
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = once(stream, 'open').catch((err: NodeJS.ErrnoException) => err);
  const openResult = await opened;
  if (openResult instanceof Error) {
    throw new ManifestError(file, undefined, openResult.code === 'ENOENT' ? 'no such file' : openResult.message);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const seen = new Map<string, number>();
  let line = 0;
  const iterator = lines[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await iterator.next();
    } catch (err) {
      throw new ManifestError(file, line + 1, `cannot read: ${(err as Error).message}`);
    }
    if (next.done) break;
    const raw = next.value;
    line += 1;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { ok: false, line, error: `not valid JSON (${(err as Error).message})`, code: 'json' };
      continue;
    }
    const row = parseRow(value);
    if (typeof row === 'string') {
      const id = (value as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id !== '' && !seen.has(id)) {
        seen.set(id, line);
        yield { ok: false, line, error: row, code: 'schema', id };
      } else {
        yield { ok: false, line, error: row, code: 'schema' };
      }
      continue;
    }
    const first = seen.get(row.id);
    if (first !== undefined) {
      yield { ok: false, line, error: `duplicate id "${row.id}" (first on line ${first})`, code: 'duplicate-id' };
      continue;
    }
    seen.set(row.id, line);
    const instance: Instance = { ...row, line, imagePath: path.resolve(dir, row.image) };
    if (row.heatmap !== undefined) instance.heatmapPath = path.resolve(dir, row.heatmap);
    yield { ok: true, line, instance };
  }
}

/** Writes manifest rows as JSON Lines, with backpressure; `close()` resolves once everything is on disk. */
export class ManifestWriter {
  private readonly out: WriteStream;
  private error: Error | undefined;
  private closed = false;
  count = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { encoding: 'utf8' });
    this.out.on('error', (err) => {
      this.error ??= new ManifestError(file, undefined, `cannot write: ${err.message}`);
    });
  }

  async write(row: ManifestRow): Promise<void> {
    if (this.error) throw this.error;
    if (this.closed) throw new ManifestError(this.file, undefined, 'write after close');
    const ordered: ManifestRow = { id: row.id, image: row.image } as ManifestRow;
    if (row.width !== undefined) ordered.width = row.width;
    if (row.height !== undefined) ordered.height = row.height;
    ordered.phrase = row.phrase;
    ordered.boxes = row.boxes;
    if (row.meta !== undefined) ordered.meta = row.meta;
    if (row.heatmap !== undefined) ordered.heatmap = row.heatmap;
    const text = JSON.stringify(ordered) + '\n';
    this.count += 1;
    if (!this.out.write(text)) {
      try {
        await once(this.out, 'drain');
      } catch {
        throw this.error ?? new ManifestError(this.file, undefined, 'cannot write');
      }
    }
  }

  /** Flushes and closes the file; throws if anything could not be written. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) {
      if (this.error) throw this.error;
      return;
    }
    this.closed = true;
    if (this.error) {
      this.out.destroy();
      throw this.error;
    }
    const done = once(this.out, 'close');
    this.out.end();
    try {
      await done;
    } catch {
      // the 'error' listener above recorded it
    }
    if (this.error) throw this.error;
  }
}
