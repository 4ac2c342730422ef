// The ink app of `groundcam browse`: keys → reduce() (browse-state.ts), the selected row's previews loaded
// on demand, and the screen laid out by browse-layout.ts.
import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer, useState } from 'react';
import { compareColumns, fitColumns, singleColumns, type BrowseItem } from './browse-columns.js';
import { browseLayout } from './browse-layout.js';
import { describeView, initialState, joinRuns, reduce, selectedItem, visibleItems, withStart, type BrowseAction, type BrowseState, type Filters } from './browse-state.js';
import type { PreviewOptions } from './heatmap-preview.js';
import { HelpPanel } from './help-panel.js';
import { InstanceDetail } from './instance-detail.js';
import { InstanceTable } from './instance-table.js';
import { KeyHelp } from './key-help.js';
import type { LoadedPreview } from './preview-loader.js';
import { TitleBar } from './title-bar.js';
import type { InstanceRow } from '../runs/store.js';

export interface BrowseRun {
  label: string;
  rows: readonly InstanceRow[];
  /** The preview of one of this run's rows. */
  loadPreview(row: InstanceRow): Promise<LoadedPreview>;
}

export interface BrowseAppProps {
  a: BrowseRun;
  b: BrowseRun | null;
  /** Dataset and split, for the title. */
  dataset: string;
  width: number;
  height: number;
  preview: PreviewOptions;
  /** Writes the PNG overlay of an instance; resolves to the file written. */
  writePng(item: BrowseItem): Promise<string>;
  start?: BrowseStart;
}

/** What the browse view starts with (from the command line): a sort and filters. */
export interface BrowseStart {
  sort?: { key: string; descending: boolean };
  filters?: Partial<Filters>;
}

/** The state a BrowseApp starts from (also what the plain, non-terminal mode prints). */
export function startState(a: Pick<BrowseRun, 'rows'>, b: Pick<BrowseRun, 'rows'> | null, width: number, height: number, start: BrowseStart = {}): BrowseState {
  const items = joinRuns(a.rows, b?.rows ?? null);
  const withScore = a.rows.some((r) => typeof r.score === 'number');
  const columns = b ? compareColumns() : singleColumns(withScore);
  let s = initialState(items, columns, b !== null, browseLayout(width, height, { zoom: false, compare: b !== null }).tableRows);
  if (start.sort || start.filters) s = withStart(s, start);
  return s;
}

/** Maps a key press to an action, or null. */
export function keyAction(input: string, key: { upArrow?: boolean; downArrow?: boolean; pageUp?: boolean; pageDown?: boolean; home?: boolean; end?: boolean; return?: boolean; escape?: boolean; backspace?: boolean; delete?: boolean; ctrl?: boolean; meta?: boolean }, mode: BrowseState['mode']): BrowseAction | 'quit' | 'write' | null {
  if (mode === 'search') {
    if (key.return) return { type: 'search-commit' };
    if (key.escape) return { type: 'search-cancel' };
    if (key.backspace || key.delete) return { type: 'search-backspace' };
    if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow) return { type: 'search-input', text: input };
    return null;
  }
  if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
  if (key.pageUp) return { type: 'page', delta: -1 };
  if (key.pageDown || input === ' ') return { type: 'page', delta: 1 };
  if (key.home || input === 'g') return { type: 'home' };
  if (key.end || input === 'G') return { type: 'end' };
  if (key.return) return { type: 'zoom' };
  if (key.escape) return mode === 'help' ? { type: 'help' } : { type: 'clear-filters' };
  if (/^[0-9]$/.test(input)) return { type: 'sort', key: input };
  switch (input) {
    case 'r':
      return { type: 'reverse' };
    case 'm':
      return { type: 'toggle', filter: 'misses' };
    case 'u':
      return { type: 'toggle', filter: 'uncertain' };
    case 'x':
      return { type: 'toggle', filter: 'problems' };
    case 'd':
      return { type: 'toggle', filter: 'disagree' };
    case 'c':
      return { type: 'clear-filters' };
    case '/':
      return { type: 'search-start' };
    case '?':
    case 'h':
      return { type: 'help' };
    case 'w':
      return 'write';
    case 'q':
      return 'quit';
  }
  return null;
}

export function BrowseApp({ a, b, dataset, width, height, preview, writePng, start }: BrowseAppProps) {
  const { exit } = useApp();
  const [state, dispatch] = useReducer(reduce, undefined, () => startState(a, b, width, height, start));
  const compare = b !== null;
  const layout = browseLayout(width, height, { zoom: state.zoom, compare });
  const { columns, flex } = useMemo(() => fitColumns(state.columns, layout.width), [state.columns, layout.width]);

  useEffect(() => dispatch({ type: 'resize', pageSize: layout.tableRows }), [layout.tableRows]);

  // previews of the selected instance, loaded when the selection settles on it
  const item = selectedItem(state);
  const [previews, setPreviews] = useState<{ id: string | null; a: LoadedPreview | null; b: LoadedPreview | null }>({ id: null, a: null, b: null });
  useEffect(() => {
    if (!item) return;
    let live = true;
    setPreviews((p) => (p.id === item.id ? p : { id: item.id, a: null, b: null }));
    void a.loadPreview(item.a).then((pa) => live && setPreviews((p) => (p.id === item.id ? { ...p, a: pa } : p)));
    if (b && item.b) void b.loadPreview(item.b).then((pb) => live && setPreviews((p) => (p.id === item.id ? { ...p, b: pb } : p)));
    return () => {
      live = false;
    };
  }, [item?.id]);

  const write = (target: BrowseItem | null) => {
    if (!target) return;
    dispatch({ type: 'message', text: `writing the overlay of ${target.id}…` });
    writePng(target).then(
      (file) => dispatch({ type: 'message', text: `wrote ${file}` }),
      (err: Error) => dispatch({ type: 'message', text: `could not write the overlay: ${err.message}` }),
    );
  };

  useInput((input, key) => {
    // keys typed faster than a frame (key repeat, a burst from tmux) arrive as one string: take them one by one
    const presses = input.length > 1 && !key.ctrl && !key.meta ? [...input].map((ch) => (ch === '\r' ? { ch: '', key: { return: true } } : { ch, key: {} })) : [{ ch: input, key }];
    let s = state;
    for (const p of presses) {
      const action = keyAction(p.ch, p.key, s.mode);
      if (action === null) continue;
      if (action === 'quit') return exit();
      if (action === 'write') {
        write(selectedItem(s));
        continue;
      }
      s = reduce(s, action);
      dispatch(action);
    }
  });

  const runs = `${a.label}${b ? ` vs ${b.label}` : ''} · ${dataset}`;
  const position = state.view.length ? `${state.cursor + 1}/${state.view.length}${state.view.length < state.items.length ? ` of ${state.items.length}` : ''}` : `0/${state.items.length}`;
  const shown = item && previews.id === item.id ? previews : { a: null, b: null };
  return (
    <Box flexDirection="column" width={layout.width}>
      <TitleBar runs={runs} position={position} width={layout.width} />
      <InstanceTable columns={columns} flex={flex} rows={visibleItems(state)} cursor={state.cursor} sort={state.sort} height={state.pageSize} />
      {state.mode === 'help' ? (
        <HelpPanel width={layout.width} height={layout.detailRows} />
      ) : item ? (
        <InstanceDetail item={item} previews={[shown.a, shown.b]} labels={[a.label, b ? b.label : null]} layout={layout} preview={preview} />
      ) : (
        <Box height={layout.detailRows} />
      )}
      <KeyHelp width={layout.width} compare={compare} searching={state.mode === 'search'} search={state.filters.text} view={describeView(state)} message={state.message} />
    </Box>
  );
}
