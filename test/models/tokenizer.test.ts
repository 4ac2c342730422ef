import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../../src/models/card.js';
import { PhraseTokenizer } from '../../src/models/tokenizer.js';

interface Golden {
  phrase: string;
  ids: number[];
  tokens: string[];
}
const golden = JSON.parse(readFileSync(new URL('./tokenizer.golden.json', import.meta.url), 'utf8')) as Golden[];
const file = fileURLToPath(new URL('../../fixtures/tokenizers/bert-tiny/tokenizer.json', import.meta.url));

const text = (over: Partial<ModelCard['text']> = {}): ModelCard['text'] => ({
  tokenizer: 'tokenizer.json',
  max_length: 512,
  clean: 'none',
  first_token: null,
  pad_id: 0,
  padding: 'longest',
  ...over,
});

describe('PhraseTokenizer', () => {
  it.each(golden)('matches the Rust/Python tokenizer on "$phrase"', (g) => {
    const enc = PhraseTokenizer.fromFile(file, text()).encode(g.phrase);
    expect(enc.ids).toEqual(g.ids);
    expect(enc.tokens).toEqual(g.tokens);
    expect(enc.words).toBe(g.ids.length - 2);
  });

  it('truncates to max_length keeping the final [SEP]', () => {
    const enc = PhraseTokenizer.fromFile(file, text({ max_length: 6 })).encode('the small blue triangle above the large red square');
    expect(enc.tokens).toEqual(['[CLS]', 'the', 'small', 'blue', 'triangle', '[SEP]']);
  });

  it('swaps the first token for [ENC] (BLIP ITM)', () => {
    const tok = PhraseTokenizer.fromFile(file, text({ first_token: '[ENC]' }));
    const enc = tok.encode('the red circle');
    expect(enc.tokens[0]).toBe('[ENC]');
    expect(enc.words).toBe(3);
  });

  it('cleans before tokenising', () => {
    const enc = PhraseTokenizer.fromFile(file, text({ clean: 'albef' })).encode('The red-circle!');
    expect(enc.tokens).toEqual(['[CLS]', 'the', 'red', 'circle', '[SEP]']);
  });

  it('reports a phrase that tokenises to nothing', () => {
    expect(PhraseTokenizer.fromFile(file, text({ clean: 'albef' })).encode('?!.').words).toBe(0);
  });

  it('pads a batch to the longest phrase, or to max_length', () => {
    const tok = PhraseTokenizer.fromFile(file, text());
    const batch = tok.batch([tok.encode('the red circle'), tok.encode('man')]);
    expect(batch.T).toBe(5);
    expect(Array.from(batch.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Number(batch.inputIds[8])).toBe(0);
    const fixed = PhraseTokenizer.fromFile(file, text({ padding: 'max_length', max_length: 8 }));
    expect(fixed.batch([fixed.encode('man')]).T).toBe(8);
  });
});
