import { describe, expect, it } from 'vitest';
import { rowsById, slugify, worstRows } from '../../src/report/select-instances.js';
import type { InstanceRow } from '../../src/runs/store.js';

const rows: InstanceRow[] = [
  { idx: 0, id: 'a', pg_hit: 1, pg_uncertain: 0, iou_soft: 0.5, wdp_soft: 0.2, peaks: 1 },
  { idx: 1, id: 'b', pg_hit: 0, pg_uncertain: 1, iou_soft: 0.1, wdp_soft: 0.6, peaks: 3 },
  { idx: 2, id: 'c', invalid: 'no boxes' },
  { idx: 3, id: 'd', pg_hit: 0, pg_uncertain: 0, iou_soft: 0.1, wdp_soft: 0.4, peaks: 2 },
  { idx: 4, id: 'e', error: 'failed' },
  { idx: 5, id: 'f', pg_hit: 1, pg_uncertain: 0, iou_soft: 0.3, wdp_soft: 0.6, peaks: 1, score: -2 },
];
const ids = (r: InstanceRow[]) => r.map((x) => x.id);

describe('choosing instances', () => {
  it('ranks the worst first: lowest for higher-is-better, highest for WDP, misses first; ties by idx', () => {
    expect(ids(worstRows(rows, 'iou_soft', 3))).toEqual(['b', 'd', 'f']);
    expect(ids(worstRows(rows, 'wdp_soft', 10))).toEqual(['b', 'f', 'd', 'a']);
    expect(ids(worstRows(rows, 'pg_hit', 10))).toEqual(['b', 'd', 'a', 'f']);
    expect(ids(worstRows(rows, 'pg_uncertain', 1))).toEqual(['b']);
    expect(ids(worstRows(rows, 'score', 10))).toEqual(['f']);
  });

  it('finds ids in the order given and names the missing ones', () => {
    expect(ids(rowsById(rows, ['d', 'a'], 'run'))).toEqual(['d', 'a']);
    expect(() => rowsById(rows, ['a', 'zz', 'yy'], 'runs/x')).toThrow('runs/x has no instance "zz", "yy"');
  });

  it('makes file names of ids', () => {
    expect(slugify('refcoco+/testA/12/3')).toBe('refcoco+_testA_12_3');
    expect(slugify('../../etc/passwd')).toBe('etc_passwd');
    expect(slugify('///')).toBe('instance');
    expect(slugify('a b:c')).toBe('a_b_c');
  });
});
