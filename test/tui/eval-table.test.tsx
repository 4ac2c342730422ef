import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { EvalTable } from '../../src/tui/eval-table.js';
import { formatCell, formatDuration, progressBar, type RunView } from '../../src/tui/run-view.js';

const running: RunView = {
  label: 'albef-shapes',
  status: 'running',
  done: 380,
  total: 612,
  errors: 1,
  invalid: 2,
  rate: 41.23,
  eta: 5.6,
  metrics: {
    pg_acc: { value: 78.42, ci: [75.1, 81.3] },
    pg_unc: { value: 14, ci: null, rate: 14 / 380 },
    iou_soft: { value: 0.14213, ci: [0.138, 0.1459] },
    wdp_soft: { value: 0.31, ci: [0.3, 0.32] },
  },
};
const pending: RunView = { label: 'centre', status: 'pending', done: 0, total: 612, errors: 0, invalid: 0, rate: null, eta: null, metrics: {} };

describe('EvalTable', () => {
  it('renders one column per run with progress, metrics ± CI and speed', () => {
    const { lastFrame } = render(<EvalTable title="groundcam eval · shapes/test" runs={[running, pending]} />);
    const frame = lastFrame()!;
    expect(frame).toContain('groundcam eval · shapes/test');
    expect(frame).toMatch(/albef-shapes\s+centre/);
    expect(frame).toMatch(/progress\s+█+░* 380\/612\s+waiting/);
    expect(frame).toMatch(/PG acc %\s+78\.4 ± 3\.3/);
    expect(frame).toMatch(/PG uncertain\s+14 \(3\.7%\)/);
    expect(frame).toMatch(/IoU soft\s+0\.142 ± 0\.004/);
    expect(frame).toMatch(/IoU bin\s+–/);
    expect(frame).toMatch(/errors\/invalid\s+1 \/ 2\s+0 \/ 0/);
    expect(frame).toMatch(/speed\s+41\.2\/s · ETA 0:06/);
    expect(frame).toContain("WDP uses groundcam's normalisation");
  });

  it('fits an 80-column terminal in under 24 lines with three runs', () => {
    const { lastFrame } = render(<EvalTable title="t" runs={[running, { ...running, label: 'x' }, pending]} width={80} />);
    const lines = lastFrame()!.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('shows notes (device fallback) and final states', () => {
    const done: RunView = { ...running, status: 'done', done: 612, eta: null, note: 'no CUDA provider installed; running on CPU' };
    const frame = render(<EvalTable title="t" runs={[done]} />).lastFrame()!;
    expect(frame).toMatch(/done 612\/612/);
    expect(frame).toContain('albef-shapes: no CUDA provider installed; running on CPU');
    expect(frame).toMatch(/speed\s+41\.2\/s\s*$/m);
  });
});

describe('formatting', () => {
  it('formats durations, bars and cells', () => {
    expect(formatDuration(5.6)).toBe('0:06');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(progressBar(1, 4, 8)).toBe('██░░░░░░');
    expect(formatCell('io_ratio', { value: 0.5, ci: null })).toBe('0.500');
    expect(formatCell('io_ratio', undefined)).toBe('–');
  });
});
