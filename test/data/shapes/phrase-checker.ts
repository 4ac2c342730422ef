// An independent reader of shapes phrases, written from the README's rules (not from src/): it parses a
// phrase back into words and counts the objects of `meta.objects` that it is true of.
type Box = [number, number, number, number];

export interface CheckedObject {
  shape: string;
  color: string;
  size: string;
  box: Box;
}

export interface ParsedPhrase {
  size?: string;
  color?: string;
  shape: string;
  relation?: string;
  anchorColor?: string;
  anchorShape?: string;
}

const SHAPE = '(circle|square|triangle|diamond|star)';
const COLOR = '(red|green|blue|yellow|purple|orange)';
const PHRASE = new RegExp(
  `^the (?:(small|large) )?(?:${COLOR} )?${SHAPE}(?: (left of|right of|above|below) the ${COLOR} ${SHAPE})?$`,
);

export function parsePhrase(phrase: string): ParsedPhrase | null {
  const m = PHRASE.exec(phrase);
  if (m === null) return null;
  const p: ParsedPhrase = { shape: m[3]! };
  if (m[1] !== undefined) p.size = m[1];
  if (m[2] !== undefined) p.color = m[2];
  if (m[4] !== undefined) {
    p.relation = m[4];
    p.anchorColor = m[5];
    p.anchorShape = m[6];
  }
  return p;
}

export function phraseText(p: ParsedPhrase): string {
  const head = ['the', p.size, p.color, p.shape].filter(Boolean).join(' ');
  return p.relation === undefined ? head : `${head} ${p.relation} the ${p.anchorColor} ${p.anchorShape}`;
}

/**
 * The README's relation rule, restated: with centres (cx, cy), "A left of B" is clearly true when A's right
 * edge plus the margin (3% of the image's shorter side) is at most B's left edge and the centre offset is at
 * least as horizontal as vertical; clearly false when A's centre is not left of B's; unclear otherwise.
 * The other three relations are the same rule turned.
 */
function relationHolds(rel: string, a: Box, b: Box, margin: number): 'true' | 'false' | 'unclear' {
  // Turn every relation into "left of" by mirroring / transposing the coordinates.
  const turn = (box: Box): [number, number, number, number] => {
    const [x0, y0, x1, y1] = box;
    switch (rel) {
      case 'left of':
        return [x0, y0, x1, y1];
      case 'right of':
        return [-x1, y0, -x0, y1];
      case 'above':
        return [y0, x0, y1, x1];
      default: // below
        return [-y1, x0, -y0, x1];
    }
  };
  const [ax0, ay0, ax1, ay1] = turn(a);
  const [bx0, by0, bx1, by1] = turn(b);
  const along = (bx0 + bx1) / 2 - (ax0 + ax1) / 2; // > 0: A's centre is before B's
  const across = Math.abs((by0 + by1) / 2 - (ay0 + ay1) / 2);
  if (along <= 0) return 'false';
  if (ax1 + margin <= bx0 && across <= along) return 'true';
  return 'unclear';
}

export interface Count {
  /** Objects the phrase is clearly true of. */
  matches: number[];
  /** Objects it might be true of (relation without a clear margin). */
  unclear: number[];
  /** Objects matching the anchor (relational phrases). */
  anchors: number[];
}

export function countReferents(p: ParsedPhrase, objects: CheckedObject[], width: number, height: number): Count {
  const margin = 0.03 * Math.min(width, height);
  const fits = (o: CheckedObject) =>
    o.shape === p.shape && (p.color === undefined || o.color === p.color) && (p.size === undefined || o.size === p.size);
  const anchors = objects.flatMap((o, k) => (o.shape === p.anchorShape && o.color === p.anchorColor ? [k] : []));
  const matches: number[] = [];
  const unclear: number[] = [];
  objects.forEach((o, k) => {
    if (!fits(o)) return;
    if (p.relation === undefined) {
      matches.push(k);
      return;
    }
    const verdicts = anchors.filter((a) => a !== k).map((a) => relationHolds(p.relation!, o.box, objects[a]!.box, margin));
    if (anchors.length === 1 && verdicts.length === 0) return; // the anchor itself
    if (anchors.length !== 1) unclear.push(k);
    else if (verdicts[0] === 'true') matches.push(k);
    else if (verdicts[0] === 'unclear') unclear.push(k);
  });
  return { matches, unclear, anchors };
}

/** True iff the phrase names exactly one object, with a unique anchor and no unclear candidate. */
export function isUnambiguous(p: ParsedPhrase, objects: CheckedObject[], width: number, height: number): boolean {
  const c = countReferents(p, objects, width, height);
  if (p.relation !== undefined && c.anchors.length !== 1) return false;
  return c.matches.length === 1 && c.unclear.length === 0;
}

/** The phrases obtained by dropping one attribute or the relation (the shape is always kept). */
export function shorterPhrases(p: ParsedPhrase): ParsedPhrase[] {
  const out: ParsedPhrase[] = [];
  if (p.size !== undefined) out.push({ ...p, size: undefined });
  if (p.color !== undefined) out.push({ ...p, color: undefined });
  if (p.relation !== undefined) out.push({ size: p.size, color: p.color, shape: p.shape });
  return out.map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as unknown as ParsedPhrase);
}
