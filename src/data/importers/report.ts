// What an importer read, kept and skipped (and why): every importer fills one and the CLI prints it.

export interface CountWithExamples {
  count: number;
  examples: string[];
}

export interface ImportReportJSON {
  format: string;
  sources: string[];
  read: Record<string, number>;
  kept: number;
  skipped: Record<string, CountWithExamples>;
  notes: Record<string, CountWithExamples>;
}

const MAX_EXAMPLES = 3;

function bump(map: Map<string, CountWithExamples>, key: string, example?: string): void {
  let entry = map.get(key);
  if (entry === undefined) map.set(key, (entry = { count: 0, examples: [] }));
  entry.count += 1;
  if (example !== undefined && entry.examples.length < MAX_EXAMPLES) entry.examples.push(example);
}

export class ImportReport {
  /** Files read, in the order they were read. */
  readonly sources: string[] = [];
  /** What was read, in reading order: e.g. "refs in refs(unc).p" → 49856. */
  readonly read = new Map<string, number>();
  kept = 0;
  /** Skipped items by reason (each reason says what kind of item it counts). */
  readonly skipped = new Map<string, CountWithExamples>();
  /** Things kept but worth knowing (e.g. boxes reaching outside their image). */
  readonly notes = new Map<string, CountWithExamples>();

  constructor(readonly format: string) {}

  source(file: string): void {
    this.sources.push(file);
  }

  countRead(what: string, n = 1): void {
    this.read.set(what, (this.read.get(what) ?? 0) + n);
  }

  skip(reason: string, example?: string): void {
    bump(this.skipped, reason, example);
  }

  note(what: string, example?: string): void {
    bump(this.notes, what, example);
  }

  get skippedTotal(): number {
    let n = 0;
    for (const e of this.skipped.values()) n += e.count;
    return n;
  }

  toJSON(): ImportReportJSON {
    return {
      format: this.format,
      sources: [...this.sources],
      read: Object.fromEntries(this.read),
      kept: this.kept,
      skipped: Object.fromEntries(this.skipped),
      notes: Object.fromEntries(this.notes),
    };
  }

  /** A short human-readable account, one fact per line. */
  toText(): string {
    const n = (v: number): string => v.toLocaleString('en-US');
    const width = Math.max(
      1,
      ...[...this.read.values(), ...[...this.skipped.values()].map((e) => e.count), ...[...this.notes.values()].map((e) => e.count)].map(
        (v) => n(v).length,
      ),
      n(this.kept).length,
    );
    const pad = (v: number): string => n(v).padStart(width);
    const lines: string[] = [`${this.format}:`];
    for (const s of this.sources) lines.push(`  source   ${s}`);
    for (const [what, count] of this.read) lines.push(`  read     ${pad(count)}  ${what}`);
    lines.push(`  kept     ${pad(this.kept)}  instances`);
    if (this.skipped.size === 0) lines.push(`  skipped  ${pad(0)}`);
    for (const [reason, e] of this.skipped) {
      lines.push(`  skipped  ${pad(e.count)}  ${reason}${e.examples.length ? `  (e.g. ${e.examples.join('; ')})` : ''}`);
    }
    for (const [what, e] of this.notes) {
      lines.push(`  note     ${pad(e.count)}  ${what}${e.examples.length ? `  (e.g. ${e.examples.join('; ')})` : ''}`);
    }
    return lines.join('\n');
  }
}
