// The detail pane: the heatmap preview of the selected instance (both runs' side by side when comparing)
// and its figures.
import { Box } from 'ink';
import { useMemo } from 'react';
import type { BrowseItem } from './browse-columns.js';
import type { BrowseLayout } from './browse-layout.js';
import { DetailInfo } from './detail-info.js';
import { previewSize, renderPreview, type PreviewOptions } from './heatmap-preview.js';
import { HeatmapView } from './heatmap-view.js';
import type { LoadedPreview } from './preview-loader.js';

export interface InstanceDetailProps {
  item: BrowseItem;
  /** Loaded previews of run A and run B (null while loading). */
  previews: [LoadedPreview | null, LoadedPreview | null];
  labels: [string, string | null];
  layout: BrowseLayout;
  preview: PreviewOptions;
}

function usePreviewLines(p: LoadedPreview | null, maxCols: number, maxRows: number, options: PreviewOptions) {
  return useMemo(() => {
    if (!p || 'missing' in p) return { lines: null, cols: maxCols };
    const { cols, rows } = previewSize(p.source.width, p.source.height, maxCols, maxRows);
    return { lines: renderPreview(p.source, cols, rows, options), cols };
  }, [p, maxCols, maxRows, options.colormap, options.alpha, options.level]);
}

export function InstanceDetail({ item, previews, labels, layout, preview }: InstanceDetailProps) {
  const compare = labels[1] !== null;
  const rows = layout.detailRows - (compare ? 1 : 0);
  const a = usePreviewLines(previews[0], layout.previewCols, rows, preview);
  const b = usePreviewLines(compare ? previews[1] : null, layout.previewCols, rows, preview);
  const missing = (p: LoadedPreview | null) => (p && 'missing' in p ? p.missing : undefined);
  const notes = [previews[0], compare ? previews[1] : null].flatMap((p) => (p && 'notes' in p ? p.notes : []));
  const uniqueNotes = [...new Set(notes)];
  const width = (x: { cols: number }, p: LoadedPreview | null) => (p && !('missing' in p) ? x.cols : layout.previewCols);
  const wa = width(a, previews[0]);
  const wb = compare ? width(b, previews[1]) : 0;
  const infoWidth = Math.max(layout.infoWidth, layout.width - wa - 1 - (compare ? wb + 1 : 0));
  return (
    <Box height={layout.detailRows}>
      <HeatmapView
        lines={a.lines}
        missing={missing(previews[0])}
        width={wa}
        height={layout.detailRows}
        title={compare ? `A ${labels[0]}` : undefined}
      />
      <Box width={1} flexShrink={0} />
      {compare && (
        <>
          <HeatmapView
            lines={b.lines}
            missing={item.b ? missing(previews[1]) : 'not in run B'}
            width={wb}
            height={layout.detailRows}
            title={`B ${labels[1]}`}
          />
          <Box width={1} flexShrink={0} />
        </>
      )}
      <DetailInfo item={item} labels={labels} notes={uniqueNotes} width={infoWidth} height={layout.detailRows} />
    </Box>
  );
}
