import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/data/manifest.js';
import { Random } from '../../../src/data/shapes/random.js';
import { relationMargin, relationVerdict } from '../../../src/data/shapes/relations.js';
import { RELATIONS } from '../../../src/data/shapes/vocabulary.js';

const box = (x: number, y: number, w = 20, h = 20): Box => [x, y, x + w, y + h];

describe('relationVerdict', () => {
  const m = 7;
  const anchor = box(100, 100);

  it('says yes only with a clear gap in the dominant direction', () => {
    expect(relationVerdict('left of', box(60, 100), anchor, m)).toBe('yes'); // gap 20
    expect(relationVerdict('left of', box(73, 100), anchor, m)).toBe('yes'); // gap exactly 7
    expect(relationVerdict('left of', box(74, 100), anchor, m)).toBe('unclear'); // gap 6
    expect(relationVerdict('right of', box(140, 110), anchor, m)).toBe('yes');
    expect(relationVerdict('above', box(105, 40), anchor, m)).toBe('yes');
    expect(relationVerdict('below', box(95, 160), anchor, m)).toBe('yes');
  });

  it('is unclear when the offset is mostly in the other direction or the boxes overlap in x', () => {
    expect(relationVerdict('left of', box(60, 20), anchor, m)).toBe('unclear'); // 40 left, 80 up
    expect(relationVerdict('left of', box(90, 40), anchor, m)).toBe('unclear'); // overlaps in x
    expect(relationVerdict('above', box(20, 60), anchor, m)).toBe('unclear'); // more left than up
  });

  it('says no when the centre is level with or beyond the anchor\'s centre', () => {
    expect(relationVerdict('left of', box(100, 40), anchor, m)).toBe('no'); // straight above
    expect(relationVerdict('left of', box(150, 100), anchor, m)).toBe('no');
    expect(relationVerdict('right of', box(60, 100), anchor, m)).toBe('no');
    expect(relationVerdict('above', box(100, 160), anchor, m)).toBe('no');
    expect(relationVerdict('below', box(100, 40), anchor, m)).toBe('no');
  });

  it('is consistent: "A left of B" iff "B right of A", and opposite relations never both hold', () => {
    const rng = new Random(4);
    const bad: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      const a = box(rng.int(0, 300), rng.int(0, 200), rng.int(5, 60), rng.int(5, 60));
      const b = box(rng.int(0, 300), rng.int(0, 200), rng.int(5, 60), rng.int(5, 60));
      const v = Object.fromEntries(RELATIONS.map((r) => [r, relationVerdict(r, a, b, m)]));
      if ((v['left of'] === 'yes') !== (relationVerdict('right of', b, a, m) === 'yes')) bad.push(`left/right ${a} ${b}`);
      if ((v['above'] === 'yes') !== (relationVerdict('below', b, a, m) === 'yes')) bad.push(`above/below ${a} ${b}`);
      if (v['left of'] === 'yes' && v['right of'] !== 'no') bad.push(`left and right ${a} ${b}`);
      if (v['above'] === 'yes' && v['below'] !== 'no') bad.push(`above and below ${a} ${b}`);
    }
    expect(bad).toEqual([]);
  });

  it('uses a margin of 3% of the shorter image side', () => {
    expect(relationMargin(320, 240)).toBeCloseTo(7.2, 12);
    expect(relationMargin(360, 480)).toBeCloseTo(10.8, 12);
  });
});
