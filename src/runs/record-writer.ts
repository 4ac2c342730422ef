// Writes per-instance records as JSON Lines or CSV (chosen by the file's extension), in the order given,
// flushing as it goes (with backpressure), so that nothing already scored is lost.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { INSTANCE_METRIC_FIELDS, type InstanceRecord } from '../metrics/instance.js';
import { UserError } from '../util/errors.js';

export type RecordFormat = 'jsonl' | 'csv';

/** The CSV columns: id, every metric, then the reason of an invalid instance (metric cells left empty). */
export const CSV_COLUMNS = ['id', ...INSTANCE_METRIC_FIELDS, 'invalid'] as const;

export function recordFormatOf(file: string): RecordFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new UserError(`--out ${file}: the file name must end in .jsonl (JSON Lines) or .csv`);
}

export class RecordWriter {
  readonly format: RecordFormat;
  private readonly out: WriteStream;
  private failure: Error | null = null;
  private wroteHeader = false;
  count = 0;

  constructor(readonly file: string) {
    this.format = recordFormatOf(file);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.out = createWriteStream(file, { encoding: 'utf8' });
    this.out.on('error', (err) => (this.failure = err));
  }

  async write(record: InstanceRecord): Promise<void> {
    if (this.failure) throw new UserError(`cannot write ${this.file}: ${this.failure.message}`);
    const text = this.format === 'jsonl' ? JSON.stringify(record) + '\n' : this.csvLine(record);
    this.count += 1;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  private csvLine(record: InstanceRecord): string {
    const text = stringify([record as unknown as Record<string, unknown>], {
      header: !this.wroteHeader,
      columns: [...CSV_COLUMNS],
      cast: { boolean: (v) => (v ? 'true' : 'false') },
    });
    this.wroteHeader = true;
    return text;
  }

  async close(): Promise<void> {
    if (this.format === 'csv' && !this.wroteHeader) this.out.write(stringify([], { header: true, columns: [...CSV_COLUMNS] }));
    this.out.end();
    if (!this.out.closed) await once(this.out, 'close').catch(() => undefined);
    if (this.failure) throw new UserError(`cannot write ${this.file}: ${this.failure.message}`);
  }
}
