// The library form of `groundcam score`.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreManifest, type ScoreProblem } from '../../src/runs/score.js';
import { ROOT } from '../helpers/python.js';

const manifest = path.join(ROOT, 'fixtures/score/manifest.jsonl');

describe('scoreManifest', () => {
  it('reports problems in manifest order and gives the same summary whatever the read-ahead', async () => {
    const problems: ScoreProblem[] = [];
    const a = await scoreManifest({ manifest, prefetch: 1, onProblem: (p) => problems.push(p) });
    const b = await scoreManifest({ manifest, prefetch: 64 });
    expect(a.summary).toEqual(b.summary);
    expect(a.malformed).toBe(0);
    expect(a.written).toBe(0);
    expect(problems.map((p) => p.line)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(problems.every((p) => p.kind === 'invalid')).toBe(true);
  });

  it('refuses invalid options with a message', async () => {
    await expect(scoreManifest({ manifest, metrics: { pgLevels: -1 } })).rejects.toThrow(/pgLevels must be an integer/);
  });
});
