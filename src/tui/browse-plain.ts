// `groundcam browse` when there is no terminal (a pipe, a log): the same table as text, with the same
// sort and filters, so that the view can be scripted.
import { fitColumns } from './browse-columns.js';
import { describeView, type BrowseState } from './browse-state.js';
import { formatTableLine } from './instance-table.js';

export function plainBrowseTable(s: BrowseState, width: number, limit: number): string {
  const { columns, flex } = fitColumns(s.columns, width);
  const lines = [describeView(s), formatTableLine(columns, flex, (c) => `${c.key} ${c.label}`).trimEnd()];
  for (const k of s.view.slice(0, limit)) lines.push(formatTableLine(columns, flex, (c) => c.text(s.items[k]!)).trimEnd());
  const more = s.view.length - Math.min(limit, s.view.length);
  lines.push(`${s.view.length} of ${s.items.length} instances shown${more > 0 ? ` (${more} more: --limit)` : ''}`);
  return lines.join('\n') + '\n';
}
