// Referring expressions over a scene. An expression is generated only if it picks out EXACTLY ONE object:
// every candidate is evaluated against every object of the image (and a relational one's anchor must be
// unique too, with no object in the "unclear" zone of the relation). Expressions are also minimal: each
// attribute or relation they name is needed (dropping it would make the phrase ambiguous).
import type { Box } from '../manifest.js';
import type { Random } from './random.js';
import { relationVerdict } from './relations.js';
import { RELATIONS, type ColorName, type RelationName, type ShapeKind, type SizeName } from './vocabulary.js';

/** The phrase templates, by id. */
export const TEMPLATES = {
  shape: 'the {shape}',
  'color-shape': 'the {color} {shape}',
  'size-shape': 'the {size} {shape}',
  'size-color-shape': 'the {size} {color} {shape}',
  'shape-relation': 'the {shape} {relation} the {color} {shape}',
  'color-shape-relation': 'the {color} {shape} {relation} the {color} {shape}',
} as const;
export type TemplateId = keyof typeof TEMPLATES;
export const TEMPLATE_IDS = Object.keys(TEMPLATES) as TemplateId[];

/**
 * How often each template is chosen when several fit a target (relative weights). Rarer situations get
 * more weight so that the split mixes shape-only, colour, size and relational phrases.
 */
export const TEMPLATE_WEIGHTS: Record<TemplateId, number> = {
  shape: 1,
  'color-shape': 1,
  'size-shape': 1.5,
  'size-color-shape': 3,
  'shape-relation': 1.5,
  'color-shape-relation': 3,
};

/** What the expression logic needs to know about one drawn object. */
export interface SceneObject {
  shape: ShapeKind;
  color: ColorName;
  size: SizeName;
  box: Box;
}

export interface Descriptor {
  shape: ShapeKind;
  color?: ColorName;
  size?: SizeName;
}

export interface Expression {
  template: TemplateId;
  target: Descriptor;
  relation?: { name: RelationName; anchor: { color: ColorName; shape: ShapeKind } };
}

function describe(d: Descriptor): string {
  return ['the', d.size, d.color, d.shape].filter((w) => w !== undefined).join(' ');
}

/** The phrase of an expression, e.g. "the small red circle", "the square left of the blue triangle". */
export function phraseOf(e: Expression): string {
  const head = describe(e.target);
  return e.relation === undefined ? head : `${head} ${e.relation.name} ${describe(e.relation.anchor)}`;
}

/** Whether an object has every attribute the descriptor names. */
export function describes(d: Descriptor, o: SceneObject): boolean {
  return o.shape === d.shape && (d.color === undefined || o.color === d.color) && (d.size === undefined || o.size === d.size);
}

export interface Evaluation {
  /** Objects the expression is clearly true of. */
  yes: number[];
  /** Objects it may or may not be true of (a relation without a clear margin either way). */
  unclear: number[];
  /** Objects matching the anchor's description (relational expressions only). */
  anchors: number[];
}

/** Evaluates an expression against every object of the scene. */
export function evaluate(e: Expression, objects: readonly SceneObject[], margin: number): Evaluation {
  const yes: number[] = [];
  const unclear: number[] = [];
  const anchors: number[] = [];
  const rel = e.relation;
  if (rel !== undefined) {
    objects.forEach((o, k) => {
      if (describes(rel.anchor, o)) anchors.push(k);
    });
  }
  objects.forEach((o, k) => {
    if (!describes(e.target, o)) return;
    if (rel === undefined) {
      yes.push(k);
      return;
    }
    // With several anchors every candidate is unclear (the anchor itself is ambiguous).
    if (anchors.length !== 1) {
      unclear.push(k);
      return;
    }
    const a = anchors[0]!;
    const v = a === k ? 'no' : relationVerdict(rel.name, o.box, objects[a]!.box, margin);
    if (v === 'yes') yes.push(k);
    else if (v === 'unclear') unclear.push(k);
  });
  return { yes, unclear, anchors };
}

/** The one object the expression refers to, or null if it is ambiguous, empty or unclear. */
export function uniqueReferent(e: Expression, objects: readonly SceneObject[], margin: number): number | null {
  const ev = evaluate(e, objects, margin);
  if (e.relation !== undefined && ev.anchors.length !== 1) return null;
  return ev.yes.length === 1 && ev.unclear.length === 0 ? ev.yes[0]! : null;
}

/** Every unambiguous, minimal expression for object `t`, by template. */
export function candidateExpressions(
  objects: readonly SceneObject[],
  t: number,
  margin: number,
): Map<TemplateId, Expression[]> {
  const o = objects[t]!;
  const out = new Map<TemplateId, Expression[]>();
  const unique = (e: Expression): boolean => uniqueReferent(e, objects, margin) === t;
  const add = (e: Expression): void => {
    const list = out.get(e.template);
    if (list === undefined) out.set(e.template, [e]);
    else list.push(e);
  };
  const byShape: Expression = { template: 'shape', target: { shape: o.shape } };
  const byColor: Expression = { template: 'color-shape', target: { shape: o.shape, color: o.color } };
  const bySize: Expression = { template: 'size-shape', target: { shape: o.shape, size: o.size } };
  const byAll: Expression = { template: 'size-color-shape', target: { shape: o.shape, color: o.color, size: o.size } };
  const shapeUnique = unique(byShape);
  const colorUnique = unique(byColor);
  const sizeUnique = unique(bySize);
  if (shapeUnique) {
    add(byShape);
    return out; // every longer phrase would name an attribute that is not needed
  }
  if (colorUnique) add(byColor);
  if (sizeUnique) add(bySize);
  if (!colorUnique && !sizeUnique && unique(byAll)) add(byAll);
  objects.forEach((a, k) => {
    if (k === t) return;
    const anchor = { color: a.color, shape: a.shape };
    if (objects.filter((b) => describes(anchor, b)).length !== 1) return;
    for (const name of RELATIONS) {
      const plain: Expression = { template: 'shape-relation', target: { shape: o.shape }, relation: { name, anchor } };
      if (unique(plain)) {
        add(plain);
        continue;
      }
      const colored: Expression = {
        template: 'color-shape-relation',
        target: { shape: o.shape, color: o.color },
        relation: { name, anchor },
      };
      if (!colorUnique && unique(colored)) add(colored);
    }
  });
  return out;
}

export interface Choice {
  target: number;
  expression: Expression;
}

/**
 * Chooses up to `count` expressions for an image, at most one per object. Objects that have an expression
 * are drawn without replacement, each weighted by the largest TEMPLATE_WEIGHTS of its templates (so rarer
 * situations are kept more often); then a template is drawn by weight among those that fit the object,
 * then one of its expressions uniformly. Returned in object order.
 */
export function chooseExpressions(
  rng: Random,
  objects: readonly SceneObject[],
  margin: number,
  count: number,
): Choice[] {
  const options = objects.map((_, t) => candidateExpressions(objects, t, margin));
  const templatesOf = options.map((m) => TEMPLATE_IDS.filter((id) => m.has(id)));
  const pool = options.flatMap((m, t) => (m.size > 0 ? [t] : []));
  const chosen: number[] = [];
  while (chosen.length < count && pool.length > 0) {
    const weights = pool.map((t) => Math.max(...templatesOf[t]!.map((id) => TEMPLATE_WEIGHTS[id])));
    chosen.push(pool.splice(rng.weighted(weights), 1)[0]!);
  }
  return chosen
    .sort((a, b) => a - b)
    .map((t) => {
      const templates = templatesOf[t]!;
      const template = templates[rng.weighted(templates.map((id) => TEMPLATE_WEIGHTS[id]))]!;
      return { target: t, expression: rng.pick(options[t]!.get(template)!) };
    });
}
