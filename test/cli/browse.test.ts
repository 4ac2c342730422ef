// `groundcam browse` end to end: the plain table when stdout is not a terminal, and the interactive view
// driven in a real terminal (tmux, 80 × 24): keys sent with send-keys, the screen read with capture-pane.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/fixtures.js';
import { BIN, groundcam, makeToyRuns, type ToyRuns } from '../helpers/toy-runs.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux) console.warn('test/cli/browse.test.ts: tmux is not installed; the real-terminal test of groundcam browse is skipped (apt-get install tmux)');

const rowsOf = (dir: string) =>
  readFileSync(path.join(dir, 'instances.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; idx: number; phrase: string; pg_hit: number; iou_soft: number });

describe('groundcam browse', () => {
  let t: ToyRuns;
  beforeAll(async () => {
    t = await makeToyRuns(30);
  });
  afterAll(() => rmSync(t.root, { recursive: true, force: true }));

  it('prints the table, sorted and filtered, when stdout is not a terminal', () => {
    const r = groundcam(['browse', t.toy, '--sort', '-iou', '--filter', 'misses', '--limit', '4']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('toy · shapes/val');
    expect(lines[1]).toBe('sort IoU ▼ · filter misses');
    expect(lines[2]).toMatch(/^\s+1 # 2 id\s+3 phrase\s+4 PG 5 unc\s+6 IoU\s+7 IO 8 WDP\*\s+9 score$/);
    const misses = rowsOf(t.toy).filter((x) => x.pg_hit === 0).sort((a, b) => b.iou_soft - a.iou_soft || a.idx - b.idx);
    for (const [k, m] of misses.slice(0, 4).entries()) expect(lines[3 + k]).toMatch(new RegExp(`^\\s+${m.idx} ${m.id}\\s+.*✗\\s+${m.iou_soft.toFixed(3)}`));
    expect(lines.at(-1)).toBe(`${misses.length} of 30 instances shown (${misses.length - 4} more: --limit)`);
    const both = groundcam(['browse', t.toy, t.centre, '--plain', '--filter', 'disagree', '--find', 'the']);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.split('\n')[0]).toBe('toy vs centre (baseline) · shapes/val');
    expect(both.stdout).toContain('filter disagree + "the"');
    expect(groundcam(['browse', t.toy, '--sort', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--sort nope: no such column \(1 #, 2 id, 3 phrase/) });
    expect(groundcam(['browse', t.toy, '--filter', 'disagree'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs two runs/) });
  });

  describe.skipIf(!hasTmux)('in a real terminal (tmux, 80 × 24)', () => {
    const session = `gc-browse-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    const alive = () => spawnSync('tmux', ['has-session', '-t', session], { stdio: 'ignore' }).status === 0;
    /** Polls the screen until `until` holds (the app redraws asynchronously); fails with the last screen. */
    async function waitFor(until: (s: string) => boolean, what: string): Promise<string> {
      let last = '';
      for (let i = 0; i < 300; i++) {
        if (!alive()) throw new Error(`browse exited while waiting for ${what}`);
        last = screen();
        if (until(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`waited for ${what}; the screen was:\n${last}`);
    }
    const keys = async (k: string[], until: (s: string) => boolean, what: string) => {
      tmux('send-keys', '-t', session, ...k);
      return waitFor(until, what);
    };
    afterAll(() => {
      if (alive()) tmux('kill-session', '-t', session);
    });

    it('sorts, filters, shows the detail, writes a PNG and quits', async () => {
      const out = path.join(t.root, 'renders');
      // ink draws nothing until exit when it believes it runs in CI: the command clears CI for a terminal
      const cmd = `cd ${REPO} && CI=true TERM=xterm-256color ${process.execPath} ${BIN} browse ${t.toy} --out ${out}; sleep 30`;
      tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', cmd);
      const rows = rowsOf(t.toy).sort((a, b) => a.idx - b.idx);
      let s = await waitFor((x) => x.includes('groundcam browse · toy · shapes/val') && x.includes(rows[0]!.id), 'the first screen');
      const lines = s.split('\n');
      expect(lines[0]).toMatch(/^groundcam browse · toy · shapes\/val\s+1\/30$/);
      expect(lines[1]).toMatch(/1▲# 3 phrase/);
      expect(s).toContain(`"${rows[0]!.phrase}"`);
      expect(s).toContain('↑↓ move  1-9 sort  m miss  u unc  x inv  / find  w png  ? help  q quit');
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);

      // j: the detail pane follows the selection
      s = await keys(['j'], (x) => x.includes(rows[1]!.id), 'the second instance in the detail pane');
      expect(s.split('\n')[0]).toMatch(/2\/30$/);

      // 6 then 6: sort by IoU, then descending
      s = await keys(['6'], (x) => x.includes('sort IoU ▲'), 'the IoU sort');
      s = await keys(['6'], (x) => x.includes('sort IoU ▼'), 'the reversed IoU sort');
      const byIou = [...rows].sort((a, b) => b.iou_soft - a.iou_soft || a.idx - b.idx);
      s = await keys(['g'], (x) => x.split('\n')[2]!.includes(byIou[0]!.phrase.slice(0, 20)), 'the best IoU on top');

      // m: misses only
      const position = (k: number, n: number) => (n < 30 ? `${k}/${n} of 30` : `${k}/${n}`);
      const missRows = rows.filter((r) => r.pg_hit === 0);
      s = await keys(['m'], (x) => x.includes('filter misses'), 'the misses filter');
      expect(s.split('\n')[0]).toMatch(new RegExp(`${position(1, missRows.length)}$`));

      // / text search, kept with Enter
      const word = missRows[0]!.phrase.split(' ').at(-1)!; // a shape name
      const matching = missRows.filter((r) => r.phrase.toLowerCase().includes(word) || r.id.includes(word)).length;
      await keys(['/'], (x) => x.includes('Enter keeps'), 'the search prompt');
      s = await keys([word], (x) => x.includes(`/${word}▌`), 'the typed search');
      s = await keys(['Enter'], (x) => x.includes(`filter misses + "${word}"`), 'the search kept');
      expect(s.split('\n')[0]).toMatch(new RegExp(`${position(1, matching).replace(/^1/, '\\d+')}$`));
      const shownIdx = s.split('\n').slice(2, 12).flatMap((l) => l.match(/^\s+(\d+) /)?.[1] ?? []).map(Number);
      expect(shownIdx).toHaveLength(Math.min(10, matching));
      for (const idx of shownIdx) expect(rows[idx]!.phrase).toContain(word); // phrases may be cut in the table

      // w: the PNG of the selected instance
      const selected = s.split('\n')[12]!.match(/shapes\/val\/\d+\/\d+/)![0]; // first line of the detail pane
      s = await keys(['w'], (x) => x.includes('wrote '), 'the PNG written');
      const file = s.match(/wrote (\S+\.png)/)![1]!;
      expect(file).toContain(selected.replaceAll('/', '_'));
      expect(existsSync(file)).toBe(true);

      // ? help, then q quits (the shell's sleep keeps the pane to read)
      await keys(['?'], (x) => x.includes('the same digit again reverses'), 'the help');
      await keys(['q'], (x) => !x.includes('groundcam browse'), 'the exit');
    });
  });
});
