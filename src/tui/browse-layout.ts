// How `groundcam browse` divides the terminal: title, table, detail pane, status and key lines. It uses
// one line less than the terminal (a frame as tall as the terminal makes ink clear the screen on every
// update). 80 × 24 gives 10 table rows and a 9-row detail pane.

export interface BrowseLayout {
  width: number;
  tableRows: number;
  detailRows: number;
  /** Widest a preview may be, in cells (each of the two when comparing). */
  previewCols: number;
  /** Width of the text beside the preview(s). */
  infoWidth: number;
}

/** Lines that are not table or detail: title, table header, status line, key line. */
const CHROME = 4;

export function browseLayout(width: number, height: number, options: { zoom: boolean; compare: boolean }): BrowseLayout {
  const w = Math.max(40, width);
  const body = Math.max(4, height - 1 - CHROME);
  let detailRows = options.zoom ? Math.max(3, body - 3) : Math.min(18, Math.max(3, Math.round(body * 0.47)));
  if (detailRows > body - 1) detailRows = Math.max(1, body - 1);
  const tableRows = Math.max(1, body - detailRows);
  const infoWidth = options.compare ? Math.min(34, Math.max(24, Math.floor(w * 0.34))) : Math.max(30, Math.floor(w * 0.5));
  const room = w - infoWidth - (options.compare ? 3 : 2);
  const previewCols = Math.max(4, options.compare ? Math.floor(room / 2) : room);
  return { width: w, tableRows, detailRows, previewCols, infoWidth };
}
