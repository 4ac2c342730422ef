import { describe, expect, it } from 'vitest';
import { compareColumns, parseSort, singleColumns } from '../../src/tui/browse-columns.js';
import { computeView, describeView, initialState, joinRuns, reduce, selectedItem, visibleItems, withStart, type BrowseAction, type BrowseState } from '../../src/tui/browse-state.js';
import type { InstanceRow } from '../../src/runs/store.js';

const row = (idx: number, id: string, phrase: string, m: Partial<Record<string, number>> | 'invalid' | 'error'): InstanceRow =>
  m === 'invalid' ? { idx, id, phrase, invalid: 'no boxes' } : m === 'error' ? { idx, id, phrase, error: 'failed' } : { idx, id, phrase, pg_hit: 0, pg_uncertain: 0, iou_soft: 0, io_ratio: 0, wdp_soft: 0, ...m };

// written out of order, as run files may be
const A: InstanceRow[] = [
  row(3, 'i3', 'the large red circle', { pg_hit: 1, iou_soft: 0.4, wdp_soft: 0.1 }),
  row(0, 'i0', 'the blue square', { pg_hit: 0, iou_soft: 0.2, wdp_soft: 0.3, pg_uncertain: 1 }),
  row(1, 'i1', 'a dog on the left', 'invalid'),
  row(2, 'i2', 'the red square', { pg_hit: 1, iou_soft: 0.2, wdp_soft: 0.2 }),
  row(4, 'i4', 'the green star', 'error'),
  row(5, 'i5', 'the RED star', { pg_hit: 0, iou_soft: 0.05, wdp_soft: 0.5 }),
];
const B: InstanceRow[] = [
  row(0, 'i0', 'the blue square', { pg_hit: 1, iou_soft: 0.5 }),
  row(1, 'i1', 'a dog on the left', { pg_hit: 1, iou_soft: 0.3 }),
  row(2, 'i2', 'the red square', { pg_hit: 1, iou_soft: 0.1 }),
  row(3, 'i3', 'the large red circle', { pg_hit: 0, iou_soft: 0.1, pg_uncertain: 1 }),
  row(5, 'i5', 'the RED star', { pg_hit: 0, iou_soft: 0.3 }),
];

const single = (pageSize = 3) => initialState(joinRuns(A, null), singleColumns(false), false, pageSize);
const run = (s: BrowseState, ...actions: BrowseAction[]) => actions.reduce(reduce, s);
const ids = (s: BrowseState) => s.view.map((k) => s.items[k]!.id);

describe('browse state', () => {
  it('starts in manifest order with the first instance selected', () => {
    const s = single();
    expect(ids(s)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'i5']);
    expect(selectedItem(s)!.id).toBe('i0');
    expect(visibleItems(s).map((v) => v.item.id)).toEqual(['i0', 'i1', 'i2']);
    expect(describeView(s)).toBe('sort # ▲');
  });

  it('moves, pages and scrolls just enough to keep the selection on screen', () => {
    let s = run(single(), { type: 'move', delta: 1 }, { type: 'move', delta: 1 }, { type: 'move', delta: 1 });
    expect(s.cursor).toBe(3);
    expect(s.top).toBe(1);
    s = run(s, { type: 'move', delta: -10 });
    expect([s.cursor, s.top]).toEqual([0, 0]);
    s = run(s, { type: 'page', delta: 1 });
    expect([s.cursor, s.top]).toEqual([3, 3]);
    s = run(s, { type: 'end' });
    expect([s.cursor, s.top]).toEqual([5, 3]);
    s = run(s, { type: 'home' });
    expect([s.cursor, s.top]).toEqual([0, 0]);
    s = run(s, { type: 'resize', pageSize: 10 }, { type: 'end' });
    expect([s.cursor, s.top]).toEqual([5, 0]);
  });

  it('sorts by a column key (again: reversed), unscored rows last either way, ties by manifest position', () => {
    let s = run(single(), { type: 'sort', key: '6' });
    expect(ids(s)).toEqual(['i5', 'i0', 'i2', 'i3', 'i1', 'i4']);
    s = run(s, { type: 'sort', key: '6' });
    expect(ids(s)).toEqual(['i3', 'i0', 'i2', 'i5', 'i1', 'i4']);
    expect(describeView(s)).toBe('sort IoU ▼');
    s = run(s, { type: 'sort', key: '8' });
    expect(ids(s)).toEqual(['i3', 'i2', 'i0', 'i5', 'i1', 'i4']);
    s = run(s, { type: 'reverse' });
    expect(ids(s)).toEqual(['i5', 'i0', 'i2', 'i3', 'i1', 'i4']);
    s = run(s, { type: 'sort', key: '3' }); // phrases, case-insensitive (every row has one)
    expect(ids(s)).toEqual(['i1', 'i0', 'i4', 'i3', 'i2', 'i5']);
    expect(run(s, { type: 'sort', key: '9' })).toBe(s); // no score column in this run
  });

  it('keeps the selected instance selected when the order changes', () => {
    let s = run(single(), { type: 'move', delta: 5 });
    expect(selectedItem(s)!.id).toBe('i5');
    s = run(s, { type: 'sort', key: '6' });
    expect(selectedItem(s)!.id).toBe('i5');
    expect(s.cursor).toBe(0);
  });

  it('filters misses, uncertain, invalid/errors and text, combined', () => {
    const s = single();
    expect(ids(run(s, { type: 'toggle', filter: 'misses' }))).toEqual(['i0', 'i5']);
    expect(ids(run(s, { type: 'toggle', filter: 'uncertain' }))).toEqual(['i0']);
    expect(ids(run(s, { type: 'toggle', filter: 'problems' }))).toEqual(['i1', 'i4']);
    const typed = run(s, { type: 'search-start' }, { type: 'search-input', text: 'r' }, { type: 'search-input', text: 'e' }, { type: 'search-input', text: 'd' });
    expect(typed.mode).toBe('search');
    expect(ids(typed)).toEqual(['i2', 'i3', 'i5']);
    const both = run(typed, { type: 'search-commit' }, { type: 'toggle', filter: 'misses' });
    expect(both.mode).toBe('table');
    expect(ids(both)).toEqual(['i5']);
    expect(describeView(both)).toBe('sort # ▲ · filter misses + "red"');
    expect(ids(run(both, { type: 'clear-filters' }))).toHaveLength(6);
    // Esc while typing restores the text filter of before
    const cancelled = run(both, { type: 'search-start' }, { type: 'search-backspace' }, { type: 'search-cancel' });
    expect(cancelled.filters.text).toBe('red');
    const none = run(s, { type: 'toggle', filter: 'misses' }, { type: 'toggle', filter: 'problems' });
    expect(none.view).toEqual([]);
    expect(selectedItem(none)).toBeNull();
    expect(none.message).toMatch(/no instance matches/);
    expect(run(s, { type: 'toggle', filter: 'disagree' }).message).toMatch(/needs a second run/);
  });

  it('joins two runs by id and filters and sorts on both', () => {
    const s = initialState(joinRuns(A, B), compareColumns(), true, 5);
    expect(s.items.map((i) => [i.id, i.b?.id ?? null])).toEqual([['i0', 'i0'], ['i1', 'i1'], ['i2', 'i2'], ['i3', 'i3'], ['i4', null], ['i5', 'i5']]);
    expect(ids(run(s, { type: 'toggle', filter: 'disagree' }))).toEqual(['i0', 'i3']);
    expect(ids(run(s, { type: 'toggle', filter: 'misses' }))).toEqual(['i0', 'i3', 'i5']);
    expect(ids(run(s, { type: 'toggle', filter: 'uncertain' }))).toEqual(['i0', 'i3']);
    // ΔIoU = B − A, largest first
    expect(ids(run(s, { type: 'sort', key: '8' }, { type: 'reverse' }))).toEqual(['i0', 'i5', 'i2', 'i3', 'i1', 'i4']);
  });

  it('starts from the command line sort and filters; parses --sort', () => {
    const cols = singleColumns(true);
    expect(parseSort('iou', cols)).toEqual({ key: '6', descending: false });
    expect(parseSort('-WDP', cols)).toEqual({ key: '8', descending: true });
    expect(parseSort('9', cols)).toEqual({ key: '9', descending: false });
    expect(parseSort('phr', cols)).toEqual({ key: '3', descending: false });
    expect(parseSort('nope', cols)).toBeNull();
    const s = withStart(single(), { sort: { key: '6', descending: true }, filters: { misses: true } });
    expect(ids(s)).toEqual(['i0', 'i5']);
  });

  it('sorts a run of 20,000 instances', () => {
    const many = Array.from({ length: 20000 }, (_, k) => row(k, `x${k}`, `phrase ${k}`, { iou_soft: (k * 7919) % 1000 / 1000 }));
    const s = initialState(joinRuns(many, null), singleColumns(false), false, 10);
    const sorted = computeView(s.items, s.columns, { key: '6', descending: false }, s.filters, false);
    expect(sorted).toHaveLength(20000);
    const values = sorted.map((k) => s.items[k]!.a.iou_soft as number);
    expect(values.every((v, k) => k === 0 || v >= values[k - 1]!)).toBe(true);
  });
});
