// Loads what the detail pane previews, for the selected row only and on demand: the stored grid re-scored
// into A (runs/instance-map.ts) and the image decoded (grey when missing). The last few are kept, so
// moving back and forth is instant and phrases of the same image decode it once.
import { loadBaseImage } from '../report/png.js';
import { instanceMap } from '../runs/instance-map.js';
import { imagePathOf, type LoadedRun } from '../runs/load-run.js';
import { CamReader, type InstanceRow } from '../runs/store.js';
import type { PreviewSource } from './heatmap-preview.js';

export type LoadedPreview = { source: PreviewSource; notes: string[] } | { missing: string };

const KEEP = 8;

export class PreviewLoader {
  private cams: CamReader | null = null;
  private readonly previews = new Map<string, Promise<LoadedPreview>>();
  private readonly images = new Map<string, ReturnType<typeof loadBaseImage>>();

  constructor(readonly run: LoadedRun) {}

  /** The preview of `row` (cached). */
  load(row: InstanceRow): Promise<LoadedPreview> {
    let p = this.previews.get(row.id);
    if (p) {
      this.previews.delete(row.id);
    } else {
      p = this.compute(row);
    }
    this.previews.set(row.id, p);
    while (this.previews.size > KEEP) this.previews.delete(this.previews.keys().next().value!);
    return p;
  }

  private async compute(row: InstanceRow): Promise<LoadedPreview> {
    try {
      this.cams ??= new CamReader(this.run.dir);
      const m = instanceMap(this.run, row, this.cams);
      if ('missing' in m) return m;
      const file = imagePathOf(this.run, row);
      const key = `${file}|${m.width}x${m.height}`;
      let img = this.images.get(key);
      if (!img) {
        img = loadBaseImage(file, m.width, m.height);
        this.images.set(key, img);
        while (this.images.size > 4) this.images.delete(this.images.keys().next().value!);
      }
      const base = await img;
      return { source: { width: m.width, height: m.height, image: base.image, map: m.map, boxes: m.boxes, argmax: m.argmax, peaks: m.peaks }, notes: base.notes };
    } catch (err) {
      return { missing: `cannot load the heatmap: ${(err as Error).message}` };
    }
  }

  close(): void {
    this.cams?.close();
    this.cams = null;
  }
}
