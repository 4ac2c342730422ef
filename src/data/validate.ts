// `groundcam data validate`: checks a manifest without running a model (datasets.md, "The manifest"):
// every line parses, ids are unique, images exist, open and have the stated size, every instance has
// boxes with some area that lie inside the image. Streams the manifest; opens each distinct image once.
import { stat } from 'node:fs/promises';
import { boxOutsideImage } from './box-conventions.js';
import { readManifest, type Instance } from './manifest.js';

export interface ValidateOptions {
  /** Check the image files (present, readable, of the stated size). Default true. */
  images?: boolean;
  /** Decode every pixel instead of reading the header only (slower, catches truncated files). Default false. */
  decode?: boolean;
  /** Pixels a box may reach outside the image before it counts as a problem. Default 0. */
  tolerance?: number;
  /** Examples kept per kind of problem (those with the smallest line numbers). Default 5. */
  examples?: number;
  /** Images opened at once. Default 8. */
  concurrency?: number;
}

export const VALIDATE_DEFAULTS: Required<ValidateOptions> = {
  images: true,
  decode: false,
  tolerance: 0,
  examples: 5,
  concurrency: 8,
};

export const PROBLEM_LABELS = {
  'bad-json': 'lines that are not valid JSON',
  'bad-row': 'lines that are not a valid manifest row',
  'duplicate-id': 'lines repeating an id used on an earlier line',
  'image-missing': 'instances whose image file does not exist',
  'image-unreadable': 'instances whose image file cannot be read as an image',
  'size-mismatch': 'instances whose stated width/height differ from the image file',
  'no-boxes': 'instances without any box',
  'empty-box': 'instances with a box of zero width or height',
  'box-outside': 'instances with a box reaching outside the image',
  'empty-phrase': 'instances with an empty phrase',
} as const;

export type ProblemKind = keyof typeof PROBLEM_LABELS;

export interface ProblemExample {
  line: number;
  id?: string;
  detail: string;
}

export interface ProblemTally {
  count: number;
  examples: ProblemExample[];
}

export interface ValidationReport {
  file: string;
  /** Non-blank lines read. */
  lines: number;
  /** Lines that parsed into an instance with a new id. */
  instances: number;
  /** Distinct image paths among the instances. */
  images: number;
  imagesChecked: boolean;
  /** Instances whose boxes could not be checked against the image (no width/height and images not opened). */
  sizeUnknown: number;
  problems: Partial<Record<ProblemKind, ProblemTally>>;
  ok: boolean;
}

type ImageInfo = { ok: true; width: number; height: number } | { ok: false; kind: 'image-missing' | 'image-unreadable'; detail: string };

type SharpFactory = typeof import('sharp');

/** Validates a manifest; never throws for problems inside it (only when the file itself cannot be read). */
export async function validateManifest(file: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const opts = { ...VALIDATE_DEFAULTS, ...options };
  const report: ValidationReport = {
    file,
    lines: 0,
    instances: 0,
    images: 0,
    imagesChecked: opts.images,
    sizeUnknown: 0,
    problems: {},
    ok: true,
  };
  const add = (kind: ProblemKind, ex: ProblemExample): void => {
    const tally = (report.problems[kind] ??= { count: 0, examples: [] });
    tally.count += 1;
    // Keep the examples with the smallest line numbers (checks finish out of order).
    const list = tally.examples;
    if (list.length < opts.examples || ex.line < list[list.length - 1]!.line) {
      let k = list.length;
      while (k > 0 && list[k - 1]!.line > ex.line) k--;
      list.splice(k, 0, ex);
      if (list.length > opts.examples) list.pop();
    }
  };

  let sharp: SharpFactory | undefined;
  const imageCache = new Map<string, Promise<ImageInfo>>();
  const seenImages = new Set<string>();
  const openImage = async (p: string): Promise<ImageInfo> => {
    try {
      const s = await stat(p);
      if (!s.isFile()) return { ok: false, kind: 'image-unreadable', detail: `${p} is not a file` };
    } catch {
      return { ok: false, kind: 'image-missing', detail: `${p} not found` };
    }
    try {
      sharp ??= (await import('sharp')).default;
      if (opts.decode) {
        const { info } = await sharp(p).raw().toBuffer({ resolveWithObject: true });
        return { ok: true, width: info.width, height: info.height };
      }
      const meta = await sharp(p).metadata();
      if (!meta.width || !meta.height) return { ok: false, kind: 'image-unreadable', detail: `${p}: no size in the header` };
      return { ok: true, width: meta.width, height: meta.height };
    } catch (err) {
      return { ok: false, kind: 'image-unreadable', detail: `${p}: ${(err as Error).message}` };
    }
  };

  const checkBoxes = (inst: Instance, width: number | undefined, height: number | undefined): void => {
    const ex = (detail: string): ProblemExample => ({ line: inst.line, id: inst.id, detail });
    if (inst.boxes.length === 0) add('no-boxes', ex('no boxes'));
    const empty = inst.boxes.findIndex((b) => b[2] === b[0] || b[3] === b[1]);
    if (empty >= 0) add('empty-box', ex(`box ${empty} [${inst.boxes[empty]!.join(', ')}]`));
    if (width === undefined || height === undefined) {
      report.sizeUnknown += 1;
      return;
    }
    const out = inst.boxes.findIndex((b) => boxOutsideImage(b, width, height, opts.tolerance));
    if (out >= 0) add('box-outside', ex(`box ${out} [${inst.boxes[out]!.join(', ')}] outside ${width}×${height}`));
  };

  const checkWithImage = async (inst: Instance): Promise<void> => {
    let info = imageCache.get(inst.imagePath);
    if (info === undefined) imageCache.set(inst.imagePath, (info = openImage(inst.imagePath)));
    const got = await info;
    const ex = (detail: string): ProblemExample => ({ line: inst.line, id: inst.id, detail });
    if (!got.ok) {
      add(got.kind, ex(got.detail));
      checkBoxes(inst, inst.width, inst.height);
      return;
    }
    const statedW = inst.width ?? got.width;
    const statedH = inst.height ?? got.height;
    if (statedW !== got.width || statedH !== got.height) {
      add('size-mismatch', ex(`stated ${statedW}×${statedH}, ${inst.image} is ${got.width}×${got.height}`));
    }
    checkBoxes(inst, statedW, statedH);
  };

  const inflight = new Set<Promise<void>>();
  for await (const entry of readManifest(file)) {
    report.lines += 1;
    if (!entry.ok) {
      const kind: ProblemKind = entry.code === 'json' ? 'bad-json' : entry.code === 'duplicate-id' ? 'duplicate-id' : 'bad-row';
      add(kind, { line: entry.line, detail: entry.error });
      continue;
    }
    const inst = entry.instance;
    report.instances += 1;
    seenImages.add(inst.imagePath);
    if (inst.phrase.trim() === '') add('empty-phrase', { line: inst.line, id: inst.id, detail: 'empty phrase' });
    if (!opts.images) {
      checkBoxes(inst, inst.width, inst.height);
      continue;
    }
    const p: Promise<void> = checkWithImage(inst).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= opts.concurrency) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  report.images = seenImages.size;
  report.ok = Object.keys(report.problems).length === 0;
  return report;
}

/** The report as a few lines of text: counts per problem, then the first examples with line numbers. */
export function formatValidationReport(r: ValidationReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.file}: ${r.lines} line(s), ${r.instances} valid instance(s), ${r.images} distinct image(s)` +
      (r.imagesChecked ? ' (all opened)' : ' (image files not checked: --no-images)'),
  );
  if (r.sizeUnknown > 0) {
    lines.push(`  note: ${r.sizeUnknown} instance(s) have no width/height, so their boxes were not checked against the image`);
  }
  const kinds = Object.keys(PROBLEM_LABELS) as ProblemKind[];
  let total = 0;
  for (const kind of kinds) {
    const t = r.problems[kind];
    if (t === undefined) continue;
    total += t.count;
    lines.push(`  ${String(t.count).padStart(6)}  ${PROBLEM_LABELS[kind]}`);
    for (const ex of t.examples) lines.push(`          line ${ex.line}${ex.id !== undefined ? ` (${ex.id})` : ''}: ${ex.detail}`);
    if (t.count > t.examples.length) lines.push(`          … and ${t.count - t.examples.length} more`);
  }
  lines.push(r.ok ? 'OK: no problems found.' : `FAILED: ${total} problem(s) (a line can have several).`);
  return lines.join('\n');
}
