// `groundcam report` end to end on runs written by `groundcam eval`.
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundcam, makeToyRuns, type ToyRuns } from '../helpers/toy-runs.js';

describe('groundcam report', () => {
  let t: ToyRuns;
  beforeAll(async () => {
    t = await makeToyRuns(30);
  });
  afterAll(() => rmSync(t.root, { recursive: true, force: true }));

  it('prints a Markdown table: one row per run, Table 1 columns with CIs', () => {
    const r = groundcam(['report', t.toy, t.centre]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('| Model | Method | Dataset | Split | N | Invalid/Errors | PG acc (%) ↑ | PG-unc ↓ | IoU soft ↑ | IoU bin ↑ | Dice soft ↑ | Dice bin ↑ | IO ratio ↑ | WDP soft\\* ↓ | WDP bin\\* ↓ |');
    expect(lines[2]).toMatch(/^\| toy \| attention-gradcam\/all \| shapes \| val \| 30 \| 0\/0 \| \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\] \| \d+ \| 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \|/);
    expect(lines[3]).toMatch(/^\| baseline \| centre \| shapes \| val \| 30 \|/);
    expect(r.stdout).toContain("WDP is on groundcam's scale");
    // the figures are the run's summary.json
    const summary = JSON.parse(readFileSync(path.join(t.toy, 'summary.json'), 'utf8'));
    expect(lines[2]).toContain(`| ${summary.pg_acc.toFixed(2)} [${summary.pg_acc_ci[0].toFixed(2)}, ${summary.pg_acc_ci[1].toFixed(2)}] |`);
    expect(lines[2]).toContain(`| ${summary.wdp_bin.toFixed(3)} [${summary.wdp_bin_ci[0].toFixed(3)}, ${summary.wdp_bin_ci[1].toFixed(3)}] |`);
  });

  it('writes LaTeX, CSV and JSON, choosing the format from --out', () => {
    const tex = path.join(t.root, 'table.tex');
    const r = groundcam(['report', t.runsDir, '--out', tex]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${tex} (latex, 2 runs)`);
    const latex = readFileSync(tex, 'utf8');
    expect(latex).toContain('\\toprule');
    expect(latex).toMatch(/^baseline & centre & shapes & val & 30 & \$/m);
    const csv = groundcam(['report', t.toy, '-f', 'csv', '--metrics', 'pg_acc,iou_soft']);
    const [header, row] = csv.stdout.trim().split('\n').map((l) => l.split(','));
    expect(header).toEqual(['run_id', 'run_dir', 'model', 'method', 'dataset', 'split', 'status', 'summary_source', 'n', 'n_invalid', 'n_errors', 'n_degenerate', 'pg_acc', 'pg_acc_ci_lo', 'pg_acc_ci_hi', 'iou_soft', 'iou_soft_ci_lo', 'iou_soft_ci_hi']);
    const summary = JSON.parse(readFileSync(path.join(t.toy, 'summary.json'), 'utf8'));
    expect(Number(row![header!.indexOf('iou_soft')])).toBe(summary.iou_soft);
    expect(Number(row![header!.indexOf('pg_acc_ci_hi')])).toBe(summary.pg_acc_ci[1]);
    const json = JSON.parse(groundcam(['report', t.toy, '--format', 'json']).stdout);
    expect(json.runs[0].metrics.io_ratio).toEqual({ value: summary.io_ratio, ci: summary.io_ratio_ci });
  });

  it('compares runs with --baseline on their shared instances', () => {
    const r = groundcam(['report', t.toy, '--baseline', t.centre]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\| baseline \(ref\.\) \| centre \|/m);
    expect(r.stdout).toContain('Paired differences from the reference run, centre (baseline)');
    expect(r.stdout).toMatch(/^\| toy \| attention-gradcam\/all \| shapes \| val \| 30 \| [+-]?\d+\.\d\d[†‡]? \(p[=<]\d\.\d{3}\) \|/m);
    expect(r.stdout).toContain("McNemar's exact test for PG acc");
  });

  it('reports an unfinished run from its instances, and says so', () => {
    const run = JSON.parse(readFileSync(path.join(t.toy, 'run.json'), 'utf8'));
    const summaryFile = path.join(t.toy, 'summary.json');
    const summary = readFileSync(summaryFile, 'utf8');
    writeFileSync(path.join(t.toy, 'run.json'), JSON.stringify({ ...run, status: 'interrupted' }));
    unlinkSync(summaryFile);
    try {
      const r = groundcam(['report', t.toy, '--metrics', 'iou_soft']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/run interrupted \(30\/30\); figures recomputed from instances\.jsonl/);
      expect(r.stdout).toMatch(/^\| toy § \|/m);
      expect(r.stdout).toContain('§ toy: run interrupted (30/30 instances); figures recomputed from instances.jsonl.');
      // the same figures as summary.json
      expect(r.stdout).toContain(`${JSON.parse(summary).iou_soft.toFixed(3)} [`);
    } finally {
      writeFileSync(path.join(t.toy, 'run.json'), JSON.stringify(run));
      writeFileSync(summaryFile, summary);
    }
  });

  it('explains bad arguments', () => {
    expect(groundcam(['report', t.toy, '--metrics', 'iou'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--metrics: unknown metric "iou"/) });
    expect(groundcam(['report', path.join(t.root, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/no such run folder/) });
    expect(groundcam(['report', t.root])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a groundcam run/) });
  });
});
