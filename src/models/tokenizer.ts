// Text → token ids per the model card's rules: cleaning, the tokenizer file, [ENC] swap, truncation, padding.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../util/errors.js';
import type { LoadedModel, ModelCard } from './card.js';
import { cleanCaption } from './text-clean.js';

/** One phrase, tokenised. `ids` includes the special tokens; `words` counts the others. */
export interface EncodedPhrase {
  cleaned: string;
  ids: number[];
  tokens: string[];
  /** Number of non-special tokens (0 means the phrase tokenised to nothing). */
  words: number;
}

/** A padded batch, as the CAM graph takes it. */
export interface TokenBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** Batch size and padded length. */
  B: number;
  T: number;
  /** Unpadded length of each row. */
  lengths: number[];
}

export class PhraseTokenizer {
  private readonly firstTokenId: number | undefined;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly text: ModelCard['text'],
    private readonly specialIds: Set<number>,
  ) {
    if (text.first_token !== null) {
      const id = tokenizer.token_to_id(text.first_token);
      if (id === undefined) throw new UserError(`model.json text.first_token "${text.first_token}" is not in the tokenizer's vocabulary`);
      this.firstTokenId = id;
    }
  }

  static load(model: LoadedModel): PhraseTokenizer {
    return PhraseTokenizer.fromFile(model.tokenizerFile, model.card.text);
  }

  static fromFile(file: string, text: ModelCard['text']): PhraseTokenizer {
    let json: { added_tokens?: { id: number; special?: boolean }[] };
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
    } catch (err) {
      throw new UserError(`${file}: cannot read the tokenizer (${(err as Error).message})`);
    }
    const configFile = path.join(path.dirname(file), 'tokenizer_config.json');
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as object) : {};
    const specialIds = new Set((json.added_tokens ?? []).filter((t) => t.special !== false).map((t) => t.id));
    return new PhraseTokenizer(new Tokenizer(json, config), text, specialIds);
  }

  /** Cleans and tokenises one phrase: special tokens added, truncated to max_length keeping the last token. */
  encode(phrase: string): EncodedPhrase {
    const cleaned = cleanCaption(this.text.clean, phrase, this.text.max_words);
    const enc = this.tokenizer.encode(cleaned);
    let ids = enc.ids;
    let tokens = enc.tokens;
    const max = this.text.max_length;
    if (ids.length > max) {
      ids = [...ids.slice(0, max - 1), ids[ids.length - 1]!];
      tokens = [...tokens.slice(0, max - 1), tokens[tokens.length - 1]!];
    }
    if (this.firstTokenId !== undefined && ids.length > 0) {
      ids = [this.firstTokenId, ...ids.slice(1)];
      tokens = [this.text.first_token!, ...tokens.slice(1)];
    }
    const words = ids.filter((id: number) => !this.specialIds.has(id)).length;
    return { cleaned, ids, tokens, words };
  }

  /** Pads encoded phrases into one batch (to the longest, or to max_length when the card says so). */
  batch(phrases: EncodedPhrase[]): TokenBatch {
    const B = phrases.length;
    const longest = Math.max(1, ...phrases.map((p) => p.ids.length));
    const T = this.text.padding === 'max_length' ? this.text.max_length : longest;
    const inputIds = new BigInt64Array(B * T).fill(BigInt(this.text.pad_id));
    const attentionMask = new BigInt64Array(B * T);
    phrases.forEach((p, b) => {
      p.ids.forEach((id, t) => {
        inputIds[b * T + t] = BigInt(id);
        attentionMask[b * T + t] = 1n;
      });
    });
    return { inputIds, attentionMask, B, T, lengths: phrases.map((p) => p.ids.length) };
  }
}
