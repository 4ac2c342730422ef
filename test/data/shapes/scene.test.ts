import { describe, expect, it } from 'vitest';
import { paintBackground } from '../../../src/data/shapes/background.js';
import { planScene, renderScene, BORDER_GAP, OBJECT_GAP, IMAGE_SIZES } from '../../../src/data/shapes/scene.js';
import { COLORS, SIZE_EXTENT } from '../../../src/data/shapes/vocabulary.js';

describe('planScene', () => {
  it('is a pure function of (seed, split, index)', () => {
    const a = planScene(3, 'val', 17);
    planScene(3, 'val', 16); // planning other images in between changes nothing
    expect(planScene(3, 'val', 17)).toEqual(a);
    expect(Buffer.from(renderScene(planScene(3, 'val', 17))).equals(renderScene(a))).toBe(true);
  });

  it('gives different images to different splits and seeds', () => {
    const test = renderScene(planScene(0, 'test', 0));
    const train = renderScene(planScene(0, 'train', 0));
    const seed1 = renderScene(planScene(1, 'test', 0));
    expect(Buffer.from(test).equals(train)).toBe(false);
    expect(Buffer.from(test).equals(seed1)).toBe(false);
  });

  const scenes = (['train', 'test'] as const).flatMap((split) => Array.from({ length: 1000 }, (_, i) => planScene(7, split, i)));

  it('places 2 to 6 shapes, inside the image with a border, apart from each other', () => {
    const problems: string[] = [];
    const sizes = new Set<string>();
    for (const s of scenes) {
      sizes.add(`${s.width}x${s.height}`);
      const side = Math.min(s.width, s.height);
      const where = `${s.split}/${s.index}`;
      if (s.objects.length < 2 || s.objects.length > 6) problems.push(`${where}: ${s.objects.length} shapes`);
      const border = BORDER_GAP * side - 1; // drawn boxes may reach 1 px past the outline box
      const gap = OBJECT_GAP * side - 2;
      s.objects.forEach((o, k) => {
        const [x0, y0, x1, y1] = o.box;
        if (x0 < border || y0 < border || x1 > s.width - border || y1 > s.height - border) problems.push(`${where}: shape ${k} at the border`);
        s.objects.forEach((p, l) => {
          if (l <= k) return;
          const [a0, b0, a1, b1] = p.box;
          const apart = x1 + gap <= a0 || a1 + gap <= x0 || y1 + gap <= b0 || b1 + gap <= y0;
          if (!apart) problems.push(`${where}: shapes ${k} and ${l} closer than ${gap}`);
        });
      });
    }
    expect(problems).toEqual([]);
    expect([...sizes].sort()).toEqual(IMAGE_SIZES.map(({ size }) => `${size[0]}x${size[1]}`).sort());
  });

  it('keeps small and large shapes clearly apart: every large one is at least 1.8x every small one', () => {
    let smallest = Infinity;
    let largest = 0;
    for (const s of scenes) {
      const side = Math.min(s.width, s.height);
      for (const o of s.objects) {
        const extent = Math.max(o.box[2] - o.box[0], o.box[3] - o.box[1]) / side; // drawn, in image sides
        if (o.size === 'large') smallest = Math.min(smallest, extent);
        else largest = Math.max(largest, extent);
      }
    }
    expect(largest).toBeLessThanOrEqual(SIZE_EXTENT.small[1] + 2 / 240);
    expect(smallest).toBeGreaterThanOrEqual(SIZE_EXTENT.large[0] - 2 / 240);
    expect(SIZE_EXTENT.large[0] / SIZE_EXTENT.small[1]).toBeGreaterThanOrEqual(1.8);
  });

  it('uses every background kind, each low-saturation and far from every shape colour', () => {
    const kinds = new Set<string>();
    let maxSpread = 0;
    let minContrast = Infinity;
    for (const s of scenes.slice(0, 300)) {
      kinds.add(s.background.kind);
      const bg = paintBackground(s.background, s.width, s.height);
      for (let p = 0; p < bg.length; p += 3) {
        const r = bg[p]!;
        const g = bg[p + 1]!;
        const b = bg[p + 2]!;
        maxSpread = Math.max(maxSpread, Math.max(r, g, b) - Math.min(r, g, b));
      }
      // Contrast of each shape with the background under it: largest channel difference, averaged.
      for (const o of s.objects) {
        const c = COLORS[o.color];
        let sum = 0;
        let n = 0;
        for (let i = o.box[1]; i < o.box[3]; i++) {
          for (let j = o.box[0]; j < o.box[2]; j++) {
            const p = (i * s.width + j) * 3;
            sum += Math.max(Math.abs(bg[p]! - c[0]), Math.abs(bg[p + 1]! - c[1]), Math.abs(bg[p + 2]! - c[2]));
            n++;
          }
        }
        minContrast = Math.min(minContrast, sum / n);
      }
    }
    expect([...kinds].sort()).toEqual(['blotches', 'checker', 'gradient', 'noise', 'radial', 'stripes']);
    // Shape colours have a channel spread of at least 130; backgrounds stay far below.
    for (const c of Object.values(COLORS)) expect(Math.max(...c) - Math.min(...c)).toBeGreaterThanOrEqual(130);
    expect(maxSpread).toBeLessThan(40);
    expect(minContrast).toBeGreaterThan(65);
  });
});
