import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA, writeJson } from '../../src/report/write-json.js';
import { expectGolden } from './goldens.js';
import { TABLE } from './table-fixture.js';

describe('writeJson', () => {
  it('writes every figure at full precision (golden)', () => {
    expectGolden('table.json', writeJson(TABLE));
  });

  it('is machine-readable: values, intervals, deltas and notes', () => {
    const doc = JSON.parse(writeJson(TABLE));
    expect(doc.schema).toBe(REPORT_SCHEMA);
    expect(doc.baseline).toEqual({ label: 'centre (baseline)', run_dir: '/runs/centre-run' });
    expect(doc.runs[1].metrics.iou_soft).toEqual({ value: 0.14213, ci: [0.1312, 0.1534] });
    expect(doc.runs[1].comparison.deltas.pg_acc).toEqual({ diff: 38.7755, ci: null, p: 1.2e-8, test: 'mcnemar' });
    expect(doc.runs[1].comparison.pg_discordant).toEqual({ baseline_only: 4, run_only: 42 });
    expect(doc.runs[0].is_baseline).toBe(true);
    expect(doc.notes.some((n: string) => n.startsWith('§ blip_base: run running (51/100 instances)'))).toBe(true);
  });
});
