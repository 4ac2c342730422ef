"""The shapes benchmark's phrase logic in Python, for building training pairs from a manifest row's
`meta` (src/data/shapes/expressions.ts and relations.ts are the reference; same rules, same margin).

An expression names a target by shape and optionally colour and size, optionally followed by a relation
to an anchor named by colour and shape. Evaluated against every object of an image it has one of three
statuses:
- `unique`: it is clearly true of exactly one object (the generator's phrases are all of this kind);
- `none`: it is true of no object and unclear for none (no anchor of that description, or every object
  of the target's description is clearly on the other side): a phrase that does not match the image;
- `ambiguous`: anything else (several referents, several anchors, or a relation in its unclear zone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Sequence

SHAPES = ("circle", "square", "triangle", "diamond", "star")
COLORS = ("red", "green", "blue", "yellow", "purple", "orange")
SIZES = ("small", "large")
RELATIONS = ("left of", "right of", "above", "below")
# every word a phrase uses (vocabulary.ts WORDS)
WORDS = ("the", "of", *SHAPES, *COLORS, *SIZES, "left", "right", "above", "below")
# the clear gap a relation needs, as a fraction of min(width, height) (relations.ts RELATION_MARGIN)
RELATION_MARGIN = 0.03

Box = Sequence[float]


@dataclass(frozen=True)
class Obj:
    shape: str
    color: str
    size: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Expr:
    shape: str
    color: str | None = None
    size: str | None = None
    relation: str | None = None
    anchor_color: str | None = None
    anchor_shape: str | None = None

    def phrase(self) -> str:
        head = " ".join(w for w in ("the", self.size, self.color, self.shape) if w is not None)
        if self.relation is None:
            return head
        return f"{head} {self.relation} the {self.anchor_color} {self.anchor_shape}"


def margin_of(width: int, height: int) -> float:
    return RELATION_MARGIN * min(width, height)


def objects_of(meta: dict) -> list[Obj]:
    return [Obj(o["shape"], o["color"], o["size"], tuple(o["box"])) for o in meta["objects"]]


def expr_of(meta: dict) -> Expr:
    """The expression of a manifest row, from its meta (template, target, relation)."""
    template, target = meta["template"], meta["target"]
    color = target["color"] if "color" in template else None
    size = target["size"] if "size" in template else None
    rel = meta.get("relation")
    if rel is None:
        return Expr(target["shape"], color, size)
    anchor = rel["anchor"]
    return Expr(target["shape"], color, size, rel["name"], anchor["color"], anchor["shape"])


def verdict(relation: str, t: Box, a: Box, margin: float) -> str:
    """'yes' | 'no' | 'unclear': whether box t is `relation` box a (relations.ts relationVerdict)."""
    dx = (t[0] + t[2]) / 2 - (a[0] + a[2]) / 2
    dy = (t[1] + t[3]) / 2 - (a[1] + a[3]) / 2
    horizontal = abs(dy) <= abs(dx)
    vertical = abs(dx) <= abs(dy)
    if relation == "left of":
        if dx >= 0:
            return "no"
        return "yes" if t[2] + margin <= a[0] and horizontal else "unclear"
    if relation == "right of":
        if dx <= 0:
            return "no"
        return "yes" if t[0] >= a[2] + margin and horizontal else "unclear"
    if relation == "above":
        if dy >= 0:
            return "no"
        return "yes" if t[3] + margin <= a[1] and vertical else "unclear"
    if relation == "below":
        if dy <= 0:
            return "no"
        return "yes" if t[1] >= a[3] + margin and vertical else "unclear"
    raise ValueError(f"unknown relation {relation!r}")


def describes(e: Expr, o: Obj) -> bool:
    """Whether the object has every attribute the expression's target descriptor names."""
    return o.shape == e.shape and e.color in (None, o.color) and e.size in (None, o.size)


def status(e: Expr, objects: Sequence[Obj], margin: float) -> tuple[str, int | None]:
    """('unique', k) | ('none', None) | ('ambiguous', None); see the module docstring."""
    if e.relation is not None:
        anchors = [k for k, o in enumerate(objects) if o.shape == e.anchor_shape and o.color == e.anchor_color]
        if not anchors:
            return "none", None
        if len(anchors) > 1:
            return "ambiguous", None
        a = anchors[0]
    yes, unclear = [], []
    for k, o in enumerate(objects):
        if not describes(e, o):
            continue
        if e.relation is None:
            yes.append(k)
            continue
        v = "no" if k == a else verdict(e.relation, o.box, objects[a].box, margin)
        (yes if v == "yes" else unclear if v == "unclear" else []).append(k)
    if unclear or len(yes) > 1:
        return "ambiguous", None
    if not yes:
        return "none", None
    return "unique", yes[0]


def one_attribute_edits(e: Expr) -> Iterator[tuple[str, Expr]]:
    """Every expression that differs from `e` in exactly one named attribute or in the relation, with
    the same template (so it stays grammatical): (what changed, expression)."""
    for shape in SHAPES:
        if shape != e.shape:
            yield "shape", replace(e, shape=shape)
    if e.color is not None:
        for color in COLORS:
            if color != e.color:
                yield "color", replace(e, color=color)
    if e.size is not None:
        for size in SIZES:
            if size != e.size:
                yield "size", replace(e, size=size)
    if e.relation is not None:
        for relation in RELATIONS:
            if relation != e.relation:
                yield "relation", replace(e, relation=relation)
        for color in COLORS:
            if color != e.anchor_color:
                yield "anchor color", replace(e, anchor_color=color)
        for shape in SHAPES:
            if shape != e.anchor_shape:
                yield "anchor shape", replace(e, anchor_shape=shape)


@dataclass(frozen=True)
class Edit:
    kind: str  # which attribute changed
    expr: Expr
    referent: int | None  # None: the phrase matches no object of the image (an ITM negative)


def hard_edits(e: Expr, objects: Sequence[Obj], margin: float, target: int) -> tuple[list[Edit], list[Edit]]:
    """One-attribute edits of the target's expression, sorted into
    - negatives: phrases true of no object in the image (so certainly not of the target), and
    - swaps: phrases that name exactly one OTHER object of the image (the hardest case for grounding:
      the same words but one, pointing elsewhere); they are positives for that object.
    Edits that are ambiguous, or still true of the target (a changed relation can be), are dropped."""
    negatives, swaps = [], []
    for kind, edited in one_attribute_edits(e):
        st, k = status(edited, objects, margin)
        if st == "none":
            negatives.append(Edit(kind, edited, None))
        elif st == "unique" and k != target:
            swaps.append(Edit(kind, edited, k))
    return negatives, swaps
