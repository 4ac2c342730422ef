import { describe, expect, it } from 'vitest';
import { mdEscape, writeMarkdown } from '../../src/report/write-markdown.js';
import { expectGolden } from './goldens.js';
import { PLAIN_TABLE, TABLE } from './table-fixture.js';

describe('writeMarkdown', () => {
  it('writes the runs table with CIs, the paired comparison and the footnotes (golden)', () => {
    expectGolden('table.md', writeMarkdown(TABLE));
  });

  it('writes values only with ci: false, and no comparison without a baseline (golden)', () => {
    expectGolden('plain.md', writeMarkdown(PLAIN_TABLE, { ci: false }));
  });

  it('is a GitHub table: one header, an alignment row, one line per run, the same number of cells on each', () => {
    const lines = writeMarkdown(PLAIN_TABLE).split('\n').filter((l) => l.startsWith('|'));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^\| --- \| --- \| --- \| --- \| ---: \|/);
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const l of lines) expect(cells(l)).toBe(cells(lines[0]!));
  });

  it('escapes what Markdown would read as syntax', () => {
    expect(mdEscape('a|b *c* _d_ [e]')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\]');
  });
});
