// Frame tests of the browse view at 80 × 24: rendered to a string by ink-testing-library, driven by
// key presses written to its stdin, on runs written by the real run writer.
import { rmSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRun, runLabel, type LoadedRun } from '../../src/runs/load-run.js';
import { BrowseApp, type BrowseRun } from '../../src/tui/browse-app.js';
import type { BrowseItem } from '../../src/tui/browse-columns.js';
import { PreviewLoader } from '../../src/tui/preview-loader.js';
import { makeScenario, type Scenario } from '../report/scenario.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const KEYS = { down: '\x1b[B', up: '\x1b[A', enter: '\r', escape: '\x1b', backspace: '\x7f' };

describe('browse view (80 × 24)', () => {
  let s: Scenario;
  let a: LoadedRun;
  let b: LoadedRun;
  const loaders: PreviewLoader[] = [];
  const browseRun = (run: LoadedRun): BrowseRun => {
    const loader = new PreviewLoader(run);
    loaders.push(loader);
    return { label: runLabel(run.config), rows: run.rows, loadPreview: (r) => loader.load(r) };
  };
  beforeAll(async () => {
    s = await makeScenario(12);
    a = await loadRun(s.a);
    b = await loadRun(s.b);
  });
  afterAll(() => {
    loaders.forEach((l) => l.close());
    rmSync(s.root, { recursive: true, force: true });
  });

  function mount(compare: boolean, level: 0 | 3 = 0, written: BrowseItem[] = []) {
    const app = render(
      <BrowseApp
        a={browseRun(a)}
        b={compare ? browseRun(b) : null}
        dataset="testset/test"
        width={80}
        height={24}
        preview={{ colormap: 'viridis', alpha: 0.5, level }}
        writePng={async (item) => {
          written.push(item);
          return `renders/${item.id.replace('/', '_')}.png`;
        }}
      />,
    );
    const frame = () => strip(app.lastFrame() ?? '');
    const press = async (key: string, until: (f: string) => boolean) => {
      app.stdin.write(key);
      await vi.waitFor(() => expect(until(frame())).toBe(true));
    };
    return { app, frame, press };
  }

  const fits = (frame: string) => {
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
  };

  it('shows the title, the table, the preview of the selected instance and the keys, within 80 × 23', async () => {
    const { app, frame } = mount(false);
    await vi.waitFor(() => expect(frame()).toContain('┌'));
    const f = frame();
    fits(f);
    const lines = f.split('\n');
    expect(lines[0]).toMatch(/^groundcam browse · testnet · testset\/test\s+1\/17$/);
    expect(lines[1]).toMatch(/^\s+1▲# 3 phrase\s+4 PG 5 unc\s+6 IoU\s+7 IO 8 WDP\*\s+9 score$/);
    expect(lines[2]).toMatch(/^\s+0 the red square\s+✗\s+0\.251\s+0\.385\s+0\.313\s+1\.500$/);
    expect(lines[3]).toMatch(/^\s+1 the blue circle\s+✓\s+0\.456/);
    expect(lines[5]).toMatch(/^\s+3 a box outside\s+inv\s+–/);
    expect(lines[6]).toMatch(/^\s+4 the model failed\s+err\s+–/);
    // detail: the preview (no colour: shades, the box in box-drawing characters, p* as X) and the figures
    expect(f).toContain('set/miss');
    expect(f).toContain('"the red square"');
    expect(f).toContain('PG miss ✗ · peaks 2');
    expect(f).toContain('IoU  soft 0.251  bin 0.247');
    expect(f).toMatch(/X/);
    expect(lines.at(-2)).toBe('sort # ▲');
    expect(lines.at(-1)).toBe('↑↓ move  1-9 sort  m miss  u unc  x inv  / find  w png  ? help  q quit');
    app.unmount();
  });

  it('moves with j/k and the arrows, sorts by a digit (again: reversed), and filters', async () => {
    const { app, frame, press } = mount(false);
    await vi.waitFor(() => expect(frame()).toContain('PG miss'));
    await press('j', (f) => f.includes('"the blue circle"'));
    await press(KEYS.down, (f) => f.includes('"a missing picture"') && f.includes('image not found'));
    await press('k', (f) => f.includes('"the blue circle"') && f.includes('PG hit ✓'));
    // keys that arrive in one burst (key repeat) are each taken
    await press('jjj', (f) => f.split('\n')[0]!.endsWith('5/17'));
    await press('kkk', (f) => f.split('\n')[0]!.endsWith('2/17'));
    const iouColumn = (f: string) =>
      f
        .split('\n')
        .slice(2, 12)
        .map((r) => r.match(/[✓✗]\s+(\d\.\d{3})/)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number);
    await press('6', (f) => f.includes('sort IoU ▲'));
    expect(frame()).toContain('"the blue circle"'); // the selection stayed on its instance
    expect(frame().split('\n')[2]).not.toMatch(/the blue circle/); // which is now further down
    await press('g', (f) => !f.includes('"the blue circle"'));
    let iou = iouColumn(frame());
    expect(iou.length).toBeGreaterThan(5);
    expect(iou).toEqual([...iou].sort((x, y) => x - y));
    await press('6', (f) => f.includes('sort IoU ▼'));
    iou = iouColumn(frame());
    expect(iou).toEqual([...iou].sort((x, y) => y - x));
    let rows = frame().split('\n').slice(2, 12);
    await press('m', (f) => f.includes('filter misses'));
    expect(frame()).not.toMatch(/the blue circle\s+✓/);
    const misses = a.rows.filter((r) => r.pg_hit === 0).length;
    expect(frame().split('\n')[0]).toMatch(new RegExp(`/${misses} of 17$`));
    await press('x', (f) => f.includes('no instance matches'));
    await press('c', (f) => !f.includes('filter'));
    await press('x', (f) => f.includes('filter invalid/errors'));
    rows = frame().split('\n').slice(2, 12);
    expect(rows.filter((r) => /inv|err/.test(r))).toHaveLength(2);
    fits(frame());
    app.unmount();
  });

  it('searches the phrase with /, keeps it with Enter, and shows the help with ?', async () => {
    const { app, frame, press } = mount(false);
    await vi.waitFor(() => expect(frame()).toContain('PG miss'));
    await press('/', (f) => f.includes('Enter keeps'));
    for (const ch of 'number 1') app.stdin.write(ch);
    await vi.waitFor(() => expect(frame()).toContain('/number 1▌'));
    expect(frame().split('\n').slice(2, 12).filter((r) => r.includes('filler number 1'))).toHaveLength(3); // 1, 10, 11
    expect(frame().split('\n')[0]).toMatch(/1\/3 of 17$/);
    await press(KEYS.backspace, (f) => f.includes('/number ▌'));
    await press('1', (f) => f.includes('/number 1▌'));
    await press(KEYS.enter, (f) => f.includes('filter "number 1"') && !f.includes('Enter keeps'));
    await press('?', (f) => f.includes('the same digit again reverses'));
    fits(frame());
    await press('?', (f) => !f.includes('the same digit again reverses'));
    await press(KEYS.escape, (f) => !f.includes('filter'));
    app.unmount();
  });

  it('writes the PNG of the selected instance with w', async () => {
    const written: BrowseItem[] = [];
    const { app, frame, press } = mount(false, 0, written);
    await vi.waitFor(() => expect(frame()).toContain('PG miss'));
    await press('j', (f) => f.includes('"the blue circle"'));
    await press('w', (f) => f.includes('wrote renders/set_hit.png'));
    expect(written.map((i) => i.id)).toEqual(['set/hit']);
    app.unmount();
  });

  it('compares two runs side by side on the same instance', async () => {
    const { app, frame, press } = mount(true);
    await vi.waitFor(() => expect(frame()).toMatch(/B centre \(baseline\)/));
    const f = frame();
    fits(f);
    const lines = f.split('\n');
    expect(lines[0]).toMatch(/^groundcam browse · testnet vs centre \(baseline\) · testset\/test/);
    expect(lines[1]).toMatch(/4 PG\s+5 unc\s+6 IoU A\s+7 IoU B\s+8 ΔIoU\s+9 WDP A\s+0 WDP B/);
    expect(lines[2]).toMatch(/the red square\s+✗ ✓\s+··\s+0\.251\s+0\.284\s+\+0\.033/);
    expect(f).toMatch(/A testnet/);
    expect(f).toMatch(/PG\s+✗\s+✓/);
    await press('d', (x) => x.includes('filter disagree'));
    expect(frame().split('\n').at(-1)).toContain('d diff');
    await press('8', (x) => x.includes('sort ΔIoU ▲'));
    fits(frame());
    app.unmount();
  });

  it('draws the preview in true colour when the terminal has it', async () => {
    const { app } = mount(false, 3);
    await vi.waitFor(() => expect(app.lastFrame()).toContain('\x1b[38;2;0;255;0m'));
    expect(app.lastFrame()).toMatch(/\x1b\[38;2;\d+;\d+;\d+m\x1b\[48;2;\d+;\d+;\d+m▀/);
    app.unmount();
  });
});
