import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latexEscape, writeLatex } from '../../src/report/write-latex.js';
import { expectGolden } from './goldens.js';
import { PLAIN_TABLE, TABLE } from './table-fixture.js';

const hasPdflatex = spawnSync('pdflatex', ['--version'], { stdio: 'ignore' }).status === 0;

describe('writeLatex', () => {
  it('writes a booktabs table with compact CIs, marks, the comparison block and the notes (golden)', () => {
    expectGolden('table.tex', writeLatex(TABLE));
  });

  it('uses the booktabs rules, one row per run, and the WDP and CI notes', () => {
    const tex = writeLatex(PLAIN_TABLE);
    expect(tex.match(/\\toprule|\\midrule|\\bottomrule/g)).toEqual(['\\toprule', '\\midrule', '\\bottomrule']);
    expect(tex).toContain('albef\\_amc & attention-gradcam/all & refcoco+ & testA & 98 & $78.57^{+6.95}_{-9.11}$ &');
    expect(tex).toMatch(/\$\^\*\$ WDP is on groundcam's scale/);
    expect(tex).toContain('95\\% confidence intervals: Wilson score intervals for PG acc (\\%)');
    expect(writeLatex(PLAIN_TABLE, { ci: false })).toContain('& 98 & 78.57 & 3 & 0.142 & 0.250 \\\\');
  });

  it('escapes LaTeX specials', () => {
    expect(latexEscape('a_b & 50% $x$ #1 {y} ~ ^ \\')).toBe('a\\_b \\& 50\\% \\$x\\$ \\#1 \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
  });

  it.skipIf(!hasPdflatex)('compiles with pdflatex (skipped when pdflatex is not installed)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gc-latex-'));
    try {
      writeFileSync(path.join(dir, 'table.tex'), writeLatex(TABLE));
      writeFileSync(path.join(dir, 'doc.tex'), '\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n');
      execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'doc.tex'], { cwd: dir, stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
