import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanAlbef, cleanBlip, cleanCaption, cleanClip } from '../../src/models/text-clean.js';

interface Golden {
  input: string;
  albef: string;
  albef5: string;
  blip: string;
  clip: string;
}
const golden = JSON.parse(readFileSync(new URL('./text-clean.golden.json', import.meta.url), 'utf8')) as Golden[];

describe('caption cleaning matches the Python reference (test/reference/text_clean_reference.py)', () => {
  it.each(golden)('$input', (g) => {
    expect(cleanAlbef(g.input)).toBe(g.albef);
    expect(cleanAlbef(g.input, 5)).toBe(g.albef5);
    expect(cleanBlip(g.input)).toBe(g.blip);
    expect(cleanClip(g.input)).toBe(g.clip);
  });

  it('dispatches by rule name', () => {
    expect(cleanCaption('albef', 'A-B.')).toBe('a b');
    expect(cleanCaption('none', ' As Is ')).toBe(' As Is ');
  });
});
