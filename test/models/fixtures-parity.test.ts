// The exported fixture models (fixtures/models/*, made by `python -m models.fixtures`) run in
// onnxruntime-node and reproduce the goldens that the PyTorch reference GradCAM computed, and their
// tokenizer.json tokenises the goldens' phrases to the same ids in @huggingface/tokenizers.
// (Every graph holding standard-domain ops only is checked on the Python side, models/tests.)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, type NpyArray } from './npy.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'models');
// Exported fixtures carry goldens; fixtures/models/toy is a hand-built contract model without any.
const NAMES = readdirSync(FIXTURES).sort().filter((n: string) => existsSync(join(FIXTURES, n, 'golden', 'golden.json')));

interface GraphIO { inputs: Record<string, string>; outputs: Record<string, string> }
interface GoldenCase {
  name: string;
  cleaned: string[];
  input_ids: number[][];
  attention_mask: number[][];
  graphs: Record<string, GraphIO>;
}
interface Golden { rtol: number; cases: GoldenCase[] }
interface Card {
  graphs: Record<string, { file: string }>;
  text: { tokenizer: string; tokenizer_config: string; max_length: number; first_token: string | null; pad_id: number; padding: 'longest' | 'max_length' };
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function toTensor(array: NpyArray): ort.Tensor {
  return new ort.Tensor(array.dtype, array.data, array.shape);
}

/** max |actual - expected| / max |expected|: the error relative to the array's scale. */
function relativeError(actual: ort.Tensor, expected: NpyArray): number {
  const a = actual.data as Float32Array;
  const e = expected.data as Float32Array;
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < e.length; i++) {
    scale = Math.max(scale, Math.abs(e[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
  }
  return scale > 0 ? diff / scale : diff;
}

/** The evaluator's padding and truncation rules of model.json `text`, over @huggingface/tokenizers. */
function encode(tokenizer: Tokenizer, text: Card['text'], phrases: string[]): { ids: number[][]; mask: number[][] } {
  const rows = phrases.map((phrase) => {
    let ids = tokenizer.encode(phrase).ids;
    if (ids.length > text.max_length) ids = [...ids.slice(0, text.max_length - 1), ids[ids.length - 1]!];
    if (text.first_token !== null) ids = [tokenizer.token_to_id(text.first_token)!, ...ids.slice(1)];
    return ids;
  });
  const width = text.padding === 'max_length' ? text.max_length : Math.max(...rows.map((r) => r.length));
  return {
    ids: rows.map((r) => [...r, ...Array<number>(width - r.length).fill(text.pad_id)]),
    mask: rows.map((r) => [...Array<number>(r.length).fill(1), ...Array<number>(width - r.length).fill(0)]),
  };
}

beforeAll(() => {
  ort.env.logLevel = 'error';
});

describe.each(NAMES)('fixture %s', (name) => {
  const folder = join(FIXTURES, name);
  const card = readJson<Card>(join(folder, 'model.json'));
  const golden = readJson<Golden>(join(folder, 'golden', 'golden.json'));
  const sessions = new Map<string, ort.InferenceSession>();

  const session = async (graph: string): Promise<ort.InferenceSession> => {
    let s = sessions.get(graph);
    if (s === undefined) {
      s = await ort.InferenceSession.create(join(folder, card.graphs[graph]!.file));
      sessions.set(graph, s);
    }
    return s;
  };

  afterAll(async () => {
    for (const s of sessions.values()) await s.release();
  });

  for (const c of golden.cases) {
    for (const [graph, io] of Object.entries(c.graphs)) {
      it(`${c.name}: the ${graph} graph reproduces the reference outputs`, async () => {
        const s = await session(graph);
        expect([...s.inputNames].sort()).toEqual(Object.keys(io.inputs).sort());
        const feeds: Record<string, ort.Tensor> = {};
        for (const [input, file] of Object.entries(io.inputs)) feeds[input] = toTensor(readNpy(join(folder, 'golden', file)));
        const out = await s.run(feeds);
        for (const [output, file] of Object.entries(io.outputs)) {
          const expected = readNpy(join(folder, 'golden', file));
          const actual = out[output]!;
          expect(actual.dims).toEqual(expected.shape);
          expect(relativeError(actual, expected), `${output}`).toBeLessThanOrEqual(golden.rtol);
        }
      });
    }

    it(`${c.name}: tokenizer.json gives the goldens' ids in @huggingface/tokenizers`, () => {
      const tokenizer = new Tokenizer(readJson<object>(join(folder, card.text.tokenizer)),
        readJson<object>(join(folder, card.text.tokenizer_config)));
      const { ids, mask } = encode(tokenizer, card.text, c.cleaned);
      expect(ids).toEqual(c.input_ids);
      expect(mask).toEqual(c.attention_mask);
    });
  }
});
