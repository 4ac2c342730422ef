"""Image-text pairs for one training batch: every phrase of an image as a positive (with its box), one
hard negative per positive that changes exactly one attribute or the relation, sometimes a "swap" (a
one-attribute edit that names ANOTHER shape of the image: a positive for that shape's box, the hardest
case for grounding), and a phrase borrowed from another image of the batch when it matches nothing here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import Row, box_coverage
from .phrases import COLORS, SHAPES, SIZES, hard_edits, status

# classes of the auxiliary object tags: shape, colour, size
TAG_CLASSES = (len(SHAPES), len(COLORS), len(SIZES))


@dataclass
class Pair:
    slot: int  # position of the image in the batch
    phrase: str
    label: int  # 1: the phrase names exactly one shape of the image; 0: it names none
    box: tuple[float, float, float, float] | None  # the named shape's box (positives)
    kind: str  # positive | swap | negative:<attribute> | other-image


def choose(rng: np.random.Generator, items: list):
    return items[int(rng.integers(len(items)))]


def hard_negative(rng: np.random.Generator, row: Row):
    """One edit of the row's expression that matches no shape of its image: the changed attribute is
    drawn first (uniformly among those that give a negative), then the edit."""
    negatives, swaps = hard_edits(row.expr, row.objects, row.margin, row.target)
    kinds = sorted({e.kind for e in negatives})
    negative = None
    if kinds:
        kind = choose(rng, kinds)
        negative = choose(rng, [e for e in negatives if e.kind == kind])
    return negative, swaps


def batch_pairs(rng: np.random.Generator, rows_by_slot: list[list[Row]], swap_rate: float = 0.5,
                other_image: bool = True) -> list[Pair]:
    pairs: list[Pair] = []
    seen: set[tuple[int, str]] = set()

    def add(pair: Pair) -> None:
        key = (pair.slot, pair.phrase)
        if key not in seen:
            seen.add(key)
            pairs.append(pair)

    for slot, rows in enumerate(rows_by_slot):
        for row in rows:
            add(Pair(slot, row.phrase, 1, row.box, "positive"))
        for row in rows:
            negative, swaps = hard_negative(rng, row)
            if negative is not None:
                add(Pair(slot, negative.expr.phrase(), 0, None, f"negative:{negative.kind}"))
            if swaps and rng.random() < swap_rate:
                swap = choose(rng, swaps)
                add(Pair(slot, swap.expr.phrase(), 1, row.objects[swap.referent].box, "swap"))
        if other_image and len(rows_by_slot) > 1 and rows:
            donor = rows_by_slot[(slot + 1) % len(rows_by_slot)]
            if donor:
                borrowed = choose(rng, donor)
                if status(borrowed.expr, rows[0].objects, rows[0].margin)[0] == "none":
                    add(Pair(slot, borrowed.phrase, 0, None, "other-image"))
    return pairs


def coverages(pairs: list[Pair], rows_by_slot: list[list[Row]], grid: int) -> np.ndarray:
    """[P, grid, grid] box coverage of every positive pair (zeros for negatives)."""
    out = np.zeros((len(pairs), grid, grid), dtype=np.float32)
    for k, pair in enumerate(pairs):
        if pair.box is not None:
            row = rows_by_slot[pair.slot][0]
            out[k] = box_coverage(pair.box, row.width, row.height, grid)
    return out


def object_targets(rows_by_slot: list[list[Row]], grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every shape drawn in the batch's images (asked about or not): its image slot [O], its box's
    coverage of the patch cells normalised to sum 1 [O, grid*grid] (the pooling weights), and its
    shape, colour and size indices [O, 3]."""
    slots, weights, labels = [], [], []
    for slot, rows in enumerate(rows_by_slot):
        row = rows[0]
        for obj in row.objects:
            cover = box_coverage(obj.box, row.width, row.height, grid).reshape(-1)
            slots.append(slot)
            weights.append(cover / cover.sum())
            labels.append((SHAPES.index(obj.shape), COLORS.index(obj.color), SIZES.index(obj.size)))
    return (np.array(slots, dtype=np.int64), np.stack(weights).astype(np.float32),
            np.array(labels, dtype=np.int64))
