import { describe, expect, it } from 'vitest';
import { csvColumns, writeCsv } from '../../src/report/write-csv.js';
import { expectGolden } from './goldens.js';
import { PLAIN_TABLE, TABLE } from './table-fixture.js';

describe('writeCsv', () => {
  it('writes one line per run, a column per value and per CI bound, and the comparison (golden)', () => {
    expectGolden('table.csv', writeCsv(TABLE));
  });

  it('keeps full precision and leaves missing figures empty', () => {
    const [header, ...rows] = writeCsv(PLAIN_TABLE).trimEnd().split('\n').map((l) => l.split(','));
    expect(header).toEqual(csvColumns(PLAIN_TABLE));
    expect(header).not.toContain('shared_n');
    const albef = Object.fromEntries(header!.map((h, k) => [h, rows[1]![k]]));
    expect(albef).toMatchObject({ model: 'albef_amc', n: '98', n_invalid: '2', pg_acc: '78.5714', pg_acc_ci_lo: '69.46', iou_soft: '0.14213', wdp_soft_ci_hi: '0.26' });
    expect(header).not.toContain('pg_unc_ci_lo'); // a count has no interval
    const withBase = writeCsv(TABLE).split('\n')[1]!.split(',');
    expect(withBase.slice(csvColumns(TABLE).indexOf('baseline'))).toEqual(['self', '', ...Array(16).fill('')]);
  });
});
