import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/data/manifest.js';
import {
  candidateExpressions,
  phraseOf,
  TEMPLATE_IDS,
  uniqueReferent,
  type Expression,
  type SceneObject,
} from '../../../src/data/shapes/expressions.js';
import { relationMargin } from '../../../src/data/shapes/relations.js';
import { planScene } from '../../../src/data/shapes/scene.js';
import { isUnambiguous, parsePhrase, phraseText, shorterPhrases } from './phrase-checker.js';

const obj = (shape: SceneObject['shape'], color: SceneObject['color'], size: SceneObject['size'], box: Box): SceneObject => ({
  shape,
  color,
  size,
  box,
});

const phrasesFor = (objects: SceneObject[], t: number, margin = 7.2): string[] =>
  [...candidateExpressions(objects, t, margin).values()].flat().map(phraseOf).sort();

describe('candidate expressions on hand-made scenes', () => {
  it('uses the bare shape when it is unique, and nothing longer', () => {
    const objects = [obj('circle', 'red', 'small', [10, 10, 30, 30]), obj('square', 'blue', 'large', [100, 100, 150, 150])];
    expect(phrasesFor(objects, 0)).toEqual(['the circle']);
  });

  it('adds colour or size only when needed, both only when each alone is ambiguous', () => {
    const objects = [
      obj('circle', 'red', 'small', [10, 10, 30, 30]),
      obj('circle', 'red', 'large', [60, 100, 110, 150]),
      obj('circle', 'blue', 'small', [200, 10, 220, 30]),
    ];
    // Object 0: "the red circle" (2 red) and "the small circle" (2 small) are ambiguous.
    expect(phrasesFor(objects, 0)).toContain('the small red circle');
    expect(phrasesFor(objects, 0)).not.toContain('the red circle');
    expect(phrasesFor(objects, 1)).toEqual(expect.arrayContaining(['the large circle']));
    expect(phrasesFor(objects, 1)).not.toContain('the large red circle');
    expect(phrasesFor(objects, 2)).toEqual(expect.arrayContaining(['the blue circle']));
  });

  it('never refers to one of two identical objects without a clear relation', () => {
    const objects = [obj('star', 'green', 'small', [10, 100, 30, 120]), obj('star', 'green', 'small', [200, 100, 220, 120])];
    expect(phrasesFor(objects, 0)).toEqual([]);
    expect(phrasesFor(objects, 1)).toEqual([]);
  });

  it('uses relations to a unique anchor, and not when another candidate is in the unclear zone', () => {
    const anchor = obj('triangle', 'blue', 'large', [140, 100, 190, 150]);
    const left = obj('square', 'red', 'small', [60, 110, 80, 130]);
    const right = obj('square', 'red', 'small', [260, 110, 280, 130]);
    expect(phrasesFor([left, right, anchor], 0)).toEqual(['the square left of the blue triangle']);
    expect(phrasesFor([left, right, anchor], 1)).toEqual(['the square right of the blue triangle']);
    // A third square just above-left of the anchor (centre left of it, gap too small): "left of" is unclear.
    const unclear = obj('square', 'red', 'small', [125, 60, 145, 80]);
    expect(phrasesFor([left, right, anchor, unclear], 0)).not.toContain('the square left of the blue triangle');
  });

  it('does not use an anchor that is itself ambiguous', () => {
    const objects = [
      obj('circle', 'red', 'small', [10, 100, 30, 120]),
      obj('circle', 'red', 'small', [250, 100, 270, 120]),
      obj('square', 'blue', 'small', [120, 100, 140, 120]),
      obj('square', 'blue', 'small', [120, 10, 140, 30]),
    ];
    expect(phrasesFor(objects, 0).filter((p) => p.includes('blue square'))).toEqual([]);
  });

  it('uniqueReferent rejects expressions with two referents or none', () => {
    const objects = [obj('circle', 'red', 'small', [10, 10, 30, 30]), obj('circle', 'red', 'large', [100, 100, 150, 150])];
    const circle: Expression = { template: 'shape', target: { shape: 'circle' } };
    const star: Expression = { template: 'shape', target: { shape: 'star' } };
    const small: Expression = { template: 'size-shape', target: { shape: 'circle', size: 'small' } };
    expect(uniqueReferent(circle, objects, 7)).toBeNull();
    expect(uniqueReferent(star, objects, 7)).toBeNull();
    expect(uniqueReferent(small, objects, 7)).toBe(0);
  });
});

describe('expressions of generated scenes, checked by an independent reader', () => {
  const scenes = (['train', 'val', 'test'] as const).flatMap((split) =>
    Array.from({ length: 800 }, (_, index) => planScene(0, split, index)),
  );

  it('every chosen phrase names exactly its target, and every word in it is needed', () => {
    const problems: string[] = [];
    let phrases = 0;
    for (const s of scenes) {
      const objects = s.objects.map((o) => ({ shape: o.shape, color: o.color, size: o.size, box: o.box }));
      const targets = new Set<number>();
      for (const c of s.choices) {
        const phrase = phraseOf(c.expression);
        const where = `${s.split}/${s.index} "${phrase}"`;
        phrases++;
        if (targets.has(c.target)) problems.push(`${where}: second phrase for object ${c.target}`);
        targets.add(c.target);
        const parsed = parsePhrase(phrase);
        if (parsed === null || phraseText(parsed) !== phrase) {
          problems.push(`${where}: does not parse`);
          continue;
        }
        if (!isUnambiguous(parsed, objects, s.width, s.height)) problems.push(`${where}: not exactly one referent`);
        const target = objects[c.target]!;
        if (target.shape !== parsed.shape) problems.push(`${where}: names the wrong shape`);
        for (const shorter of shorterPhrases(parsed)) {
          if (isUnambiguous(shorter, objects, s.width, s.height)) problems.push(`${where}: "${phraseText(shorter)}" would do`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(phrases).toBeGreaterThan(3 * 800 * 2.5);
  });

  it('every candidate the generator accepts is unambiguous, and every unambiguous minimal phrase is a candidate', () => {
    // Exhaustive over the first 200 scenes: every phrase of the grammar (relations to the colour-shape
    // pairs present; an absent anchor cannot be unique) against every object.
    const shapes = ['circle', 'square', 'triangle', 'diamond', 'star'] as const;
    const colors = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
    const mismatches: string[] = [];
    let checked = 0;
    for (const s of scenes.slice(0, 200)) {
      const objects = s.objects.map((o) => ({ shape: o.shape, color: o.color, size: o.size, box: o.box }));
      const margin = relationMargin(s.width, s.height);
      const generated = new Set(objects.flatMap((_, t) => [...candidateExpressions(objects, t, margin).values()].flat().map(phraseOf)));
      const anchors = [...new Set(objects.map((o) => `${o.color} ${o.shape}`))].map((a) => a.split(' ') as [string, string]);
      const grammar: string[] = [];
      for (const shape of shapes) {
        for (const size of [undefined, 'small', 'large'] as const) {
          for (const color of [undefined, ...colors]) {
            const head = { shape, ...(size && { size }), ...(color && { color }) };
            grammar.push(phraseText(head));
            if (size !== undefined) continue; // relational templates name no size
            for (const relation of ['left of', 'right of', 'above', 'below']) {
              for (const [anchorColor, anchorShape] of anchors) grammar.push(phraseText({ ...head, relation, anchorColor, anchorShape }));
            }
          }
        }
      }
      const inGrammar = new Set(grammar);
      for (const phrase of generated) if (!inGrammar.has(phrase)) mismatches.push(`${s.split}/${s.index} "${phrase}": outside the grammar`);
      for (const phrase of grammar) {
        const p = parsePhrase(phrase)!;
        const minimalAndUnique =
          isUnambiguous(p, objects, s.width, s.height) && shorterPhrases(p).every((q) => !isUnambiguous(q, objects, s.width, s.height));
        if (minimalAndUnique !== generated.has(phrase)) {
          mismatches.push(`${s.split}/${s.index} "${phrase}": reader ${minimalAndUnique}, generator ${generated.has(phrase)}`);
        }
        checked++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(200 * 500);
  });

  it('mixes the templates: each is at least 3% of the phrases', () => {
    const counts = Object.fromEntries(TEMPLATE_IDS.map((id) => [id, 0]));
    let total = 0;
    for (const s of scenes) {
      for (const c of s.choices) {
        counts[c.expression.template]! += 1;
        total++;
      }
    }
    for (const id of TEMPLATE_IDS) expect(counts[id]! / total, id).toBeGreaterThan(0.03);
    expect(total / scenes.length).toBeGreaterThan(2.6);
    expect(total / scenes.length).toBeLessThan(3.3);
  });
});
