// The state of `groundcam browse` without any terminal: the instances, the sort, the filters, the
// selection and the scroll position, changed only by `reduce(state, action)`. The visible list (`view`,
// positions into `items`) is recomputed when the sort or a filter changes, never on a cursor move, so
// that moving stays cheap on runs of tens of thousands of instances.
import type { InstanceRow } from '../runs/store.js';
import type { BrowseColumn, BrowseItem } from './browse-columns.js';

export interface Filters {
  /** Only instances whose arg-max missed the box (in either run when comparing). */
  misses: boolean;
  /** Only instances flagged PG-uncertain (in either run). */
  uncertain: boolean;
  /** Only invalid or failed instances (in either run). */
  problems: boolean;
  /** Only instances where the two runs disagree on PG (comparing only). */
  disagree: boolean;
  /** Text the phrase (or id) must contain, case-insensitive. */
  text: string;
}

export const NO_FILTERS: Filters = Object.freeze({ misses: false, uncertain: false, problems: false, disagree: false, text: '' });

export type Mode = 'table' | 'search' | 'help';

export interface BrowseState {
  items: readonly BrowseItem[];
  columns: readonly BrowseColumn[];
  compare: boolean;
  /** Key of the sort column, and direction. */
  sort: { key: string; descending: boolean };
  filters: Filters;
  /** Positions into `items`, filtered and sorted. */
  view: readonly number[];
  /** Position of the selection in `view`. */
  cursor: number;
  /** First position of `view` shown. */
  top: number;
  /** Table rows on screen. */
  pageSize: number;
  mode: Mode;
  /** The filter text before a search started (Esc restores it). */
  searchBefore: string;
  /** Detail pane enlarged. */
  zoom: boolean;
  /** A line for the user (file written, nothing matches, ...). */
  message: string | null;
}

export type FilterName = 'misses' | 'uncertain' | 'problems' | 'disagree';

export type BrowseAction =
  | { type: 'move'; delta: number }
  | { type: 'page'; delta: number }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'sort'; key: string }
  | { type: 'reverse' }
  | { type: 'toggle'; filter: FilterName }
  | { type: 'clear-filters' }
  | { type: 'search-start' }
  | { type: 'search-input'; text: string }
  | { type: 'search-backspace' }
  | { type: 'search-commit' }
  | { type: 'search-cancel' }
  | { type: 'resize'; pageSize: number }
  | { type: 'help' }
  | { type: 'zoom' }
  | { type: 'message'; text: string | null };

/** Joins the rows of run A with run B's by id (A's order: manifest position). */
export function joinRuns(a: readonly InstanceRow[], b: readonly InstanceRow[] | null): BrowseItem[] {
  const byId = b ? new Map(b.map((r) => [r.id, r])) : null;
  return [...a]
    .sort((x, y) => x.idx - y.idx)
    .map((r) => ({ idx: r.idx, id: r.id, phrase: typeof r.phrase === 'string' ? r.phrase : '', a: r, b: byId ? (byId.get(r.id) ?? null) : null }));
}

const isProblem = (r: InstanceRow | null) => !!r && (r.error !== undefined || r.invalid !== undefined);
const isScored = (r: InstanceRow | null): r is InstanceRow => !!r && r.error === undefined && r.invalid === undefined;

/** Whether an item passes the filters. */
export function matches(item: BrowseItem, f: Filters, compare: boolean): boolean {
  const runs = compare ? [item.a, item.b] : [item.a];
  if (f.misses && !runs.some((r) => isScored(r) && r.pg_hit === 0)) return false;
  if (f.uncertain && !runs.some((r) => isScored(r) && r.pg_uncertain === 1)) return false;
  if (f.problems && !runs.some(isProblem)) return false;
  if (f.disagree && !(compare && isScored(item.a) && isScored(item.b) && item.a.pg_hit !== item.b.pg_hit)) return false;
  if (f.text) {
    const t = f.text.toLowerCase();
    if (!item.phrase.toLowerCase().includes(t) && !item.id.toLowerCase().includes(t)) return false;
  }
  return true;
}

/** The positions of `items` that pass the filters, sorted by the column (ties and unscored: by manifest position). */
export function computeView(items: readonly BrowseItem[], columns: readonly BrowseColumn[], sort: BrowseState['sort'], filters: Filters, compare: boolean): number[] {
  const col = columns.find((c) => c.key === sort.key) ?? columns[0]!;
  const keep: number[] = [];
  for (let k = 0; k < items.length; k++) if (matches(items[k]!, filters, compare)) keep.push(k);
  const values = new Map<number, number | string | undefined>();
  for (const k of keep) values.set(k, col.value(items[k]!));
  const dir = sort.descending ? -1 : 1;
  return keep.sort((x, y) => {
    const a = values.get(x);
    const b = values.get(y);
    if (a === undefined || b === undefined) {
      if (a !== b) return a === undefined ? 1 : -1;
      return items[x]!.idx - items[y]!.idx;
    }
    const c = a < b ? -1 : a > b ? 1 : 0;
    return dir * c || items[x]!.idx - items[y]!.idx;
  });
}

export function initialState(items: readonly BrowseItem[], columns: readonly BrowseColumn[], compare: boolean, pageSize: number): BrowseState {
  const sort = { key: '1', descending: false };
  return {
    items,
    columns,
    compare,
    sort,
    filters: { ...NO_FILTERS },
    view: computeView(items, columns, sort, NO_FILTERS, compare),
    cursor: 0,
    top: 0,
    pageSize: Math.max(1, pageSize),
    mode: 'table',
    searchBefore: '',
    zoom: false,
    message: null,
  };
}

/** The state with a sort and filters applied (the command line's starting view). */
export function withStart(s: BrowseState, start: { sort?: BrowseState['sort']; filters?: Partial<Filters> }): BrowseState {
  const sort = start.sort && s.columns.some((c) => c.key === start.sort!.key) ? start.sort : s.sort;
  return refilter(s, { sort, filters: { ...s.filters, ...start.filters } });
}

/** The selected item, if any instance is shown. */
export function selectedItem(s: BrowseState): BrowseItem | null {
  const k = s.view[s.cursor];
  return k === undefined ? null : s.items[k]!;
}

/** The items on screen, with their positions in the view. */
export function visibleItems(s: BrowseState): { pos: number; item: BrowseItem }[] {
  const out: { pos: number; item: BrowseItem }[] = [];
  for (let pos = s.top; pos < Math.min(s.view.length, s.top + s.pageSize); pos++) out.push({ pos, item: s.items[s.view[pos]!]! });
  return out;
}

/** Cursor clamped to the view, and the scroll position moved just enough to show it. */
function place(s: BrowseState, cursor: number): BrowseState {
  const n = s.view.length;
  const c = n === 0 ? 0 : Math.max(0, Math.min(n - 1, cursor));
  let top = Math.max(0, Math.min(s.top, Math.max(0, n - s.pageSize)));
  if (c < top) top = c;
  if (c >= top + s.pageSize) top = c - s.pageSize + 1;
  return { ...s, cursor: c, top };
}

/** Recomputes the view after a sort or filter change, keeping the selected instance when it is still shown. */
function refilter(s: BrowseState, patch: Partial<Pick<BrowseState, 'sort' | 'filters'>>): BrowseState {
  const before = selectedItem(s);
  const next = { ...s, ...patch };
  const view = computeView(next.items, next.columns, next.sort, next.filters, next.compare);
  const pos = before ? view.findIndex((k) => next.items[k] === before) : -1;
  const message = view.length === 0 ? 'no instance matches the filters (c clears them)' : null;
  return place({ ...next, view, top: pos >= 0 ? next.top : 0, message }, pos >= 0 ? pos : 0);
}

export function reduce(s: BrowseState, action: BrowseAction): BrowseState {
  switch (action.type) {
    case 'move':
      return place({ ...s, message: null }, s.cursor + action.delta);
    case 'page':
      return place({ ...s, top: s.top + action.delta * s.pageSize, message: null }, s.cursor + action.delta * s.pageSize);
    case 'home':
      return place({ ...s, top: 0 }, 0);
    case 'end':
      return place(s, s.view.length - 1);
    case 'sort': {
      if (!s.columns.some((c) => c.key === action.key)) return s;
      const same = s.sort.key === action.key;
      return refilter(s, { sort: { key: action.key, descending: same ? !s.sort.descending : false } });
    }
    case 'reverse':
      return refilter(s, { sort: { ...s.sort, descending: !s.sort.descending } });
    case 'toggle':
      if (action.filter === 'disagree' && !s.compare) return { ...s, message: 'd (disagreements) needs a second run: groundcam browse RUN RUN2' };
      return refilter(s, { filters: { ...s.filters, [action.filter]: !s.filters[action.filter] } });
    case 'clear-filters':
      return refilter(s, { filters: { ...NO_FILTERS } });
    case 'search-start':
      return { ...s, mode: 'search', searchBefore: s.filters.text, message: null };
    case 'search-input':
      return refilter({ ...s }, { filters: { ...s.filters, text: s.filters.text + action.text } });
    case 'search-backspace':
      return refilter(s, { filters: { ...s.filters, text: s.filters.text.slice(0, -1) } });
    case 'search-commit':
      return { ...s, mode: 'table' };
    case 'search-cancel':
      return { ...refilter(s, { filters: { ...s.filters, text: s.searchBefore } }), mode: 'table' };
    case 'resize':
      return place({ ...s, pageSize: Math.max(1, action.pageSize) }, s.cursor);
    case 'help':
      return { ...s, mode: s.mode === 'help' ? 'table' : 'help' };
    case 'zoom':
      return { ...s, zoom: !s.zoom };
    case 'message':
      return { ...s, message: action.text };
  }
}

/** A one-line description of the sort and the filters, for the title bar. */
export function describeView(s: BrowseState): string {
  const col = s.columns.find((c) => c.key === s.sort.key);
  const parts = [`sort ${col?.label ?? s.sort.key} ${s.sort.descending ? '▼' : '▲'}`];
  const f = s.filters;
  const on = [f.misses && 'misses', f.uncertain && 'uncertain', f.problems && 'invalid/errors', f.disagree && 'disagree', f.text && `"${f.text}"`].filter(Boolean);
  if (on.length) parts.push(`filter ${on.join(' + ')}`);
  return parts.join(' · ');
}
