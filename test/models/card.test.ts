import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cardProblems, loadModelCard } from '../../src/models/card.js';
import { parseDevice } from '../../src/models/device.js';

const toyDir = fileURLToPath(new URL('../../fixtures/models/toy', import.meta.url));
const toyCard = () => JSON.parse(readFileSync(path.join(toyDir, 'model.json'), 'utf8')) as Record<string, any>;

describe('model cards', () => {
  const tmp: string[] = [];
  afterEach(() => tmp.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const copyToy = (edit: (card: Record<string, any>) => void) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gc-card-'));
    tmp.push(dir);
    cpSync(toyDir, dir, { recursive: true });
    const card = toyCard();
    edit(card);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(card));
    return dir;
  };

  it('loads a card that satisfies the contract, resolving graph files', () => {
    const m = loadModelCard(toyDir);
    expect(m.card.name).toBe('toy');
    expect(path.basename(m.graphFiles.cam!)).toBe('cam.onnx');
  });

  it('lists every schema problem', () => {
    const card = toyCard();
    delete card.text;
    card.image.size = [16];
    card.extra = 1;
    const problems = cardProblems(card);
    expect(problems.join('\n')).toMatch(/text/);
    expect(problems.join('\n')).toMatch(/image\.size/);
    expect(problems.join('\n')).toMatch(/extra/);
  });

  it('refuses a cam graph that does not take the image outputs or lacks score/cam', () => {
    const card = toyCard();
    card.graphs.cam.inputs = card.graphs.cam.inputs.filter((t: { name: string }) => t.name !== 'patches');
    card.graphs.cam.outputs = [card.graphs.cam.outputs[1]];
    expect(cardProblems(card)).toEqual([
      'graphs.cam.inputs lacks "patches" (an output of the image graph)',
      'graphs.cam.outputs lacks "score"',
    ]);
  });

  it('refuses a folder whose graph file is missing, before any run', () => {
    const dir = copyToy((c) => (c.graphs.cam.file = 'gone.onnx'));
    expect(() => loadModelCard(dir)).toThrow(/graphs\.cam\.file: gone\.onnx does not exist/);
  });

  it('says what to do when model.json is absent', () => {
    expect(() => loadModelCard(tmpdir())).toThrow(/no model\.json here/);
  });

  it('parses --device', () => {
    expect(parseDevice('cuda:1')).toEqual({ kind: 'cuda', deviceId: 1 });
    expect(parseDevice('cuda')).toEqual({ kind: 'cuda', deviceId: 0 });
    expect(() => parseDevice('gpu')).toThrow(/expected auto, cpu, cuda/);
  });
});
