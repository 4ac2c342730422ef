import { describe, expect, it } from 'vitest';
import { CAPTION_COLORS, captionLines, wrapText } from '../../src/report/caption.js';

const text = (lines: ReturnType<typeof captionLines>) => lines.map((l) => l.map((s) => s.text).join(''));

describe('captions', () => {
  it('wraps words to a width and cuts words longer than a line', () => {
    expect(wrapText('the small red triangle left of the star', 12)).toEqual(['the small', 'red triangle', 'left of the', 'star']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('', 5)).toEqual(['']);
  });

  it('says the phrase, the verdicts, the scores and the run, within the width', () => {
    const metrics = { pg_hit: 1, pg_uncertain: 1, peaks: 3, iou_soft: 0.25, iou_bin: 0.5, dice_soft: 0.4, dice_bin: 0.6, io_ratio: 0.7, wdp_soft: 0.1, wdp_bin: 0.05, degenerate: false } as const;
    const lines = captionLines({ phrase: 'the dog', id: 'x/1', run: 'albef · attention-gradcam/all', metrics, notes: ['image not found: a.jpg: heatmap drawn on grey'] }, 60);
    expect(text(lines)).toEqual([
      '"the dog"',
      'PG hit · uncertain · peaks 3',
      'IoU 0.250 (bin 0.500) · Dice 0.400 · IO 0.700',
      'WDP* 0.100 (bin 0.050)  *groundcam scale',
      'image not found: a.jpg: heatmap drawn on grey',
      'albef · attention-gradcam/all · x/1',
      '+ arg-max  o NMS peaks  [] box',
    ]);
    expect(lines[1]![0]!.color).toEqual(CAPTION_COLORS.hit);
    expect(lines[1]![1]!.color).toEqual(CAPTION_COLORS.warn);
    for (const l of text(captionLines({ phrase: 'a '.repeat(100), id: 'i', run: 'r', metrics, notes: [] }, 20))) expect(l.length).toBeLessThanOrEqual(20);
    expect(text(captionLines({ phrase: 'p', id: 'i', run: 'r', metrics: null, invalid: 'no boxes', notes: [] }, 40))[1]).toBe('invalid: no boxes');
  });
});
