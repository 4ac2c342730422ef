"""Grounding and matching figures of a model on a split, in Python, the way `groundcam eval` scores
them (shared/spec/metrics.md): the token-averaged attention-GradCAM grid resized to the image with
bicubic `F.interpolate(align_corners=False)`, its first arg-max (row-major), a hit when that pixel's
centre lies in the box; a constant map is degenerate and misses. The centre baseline is src/cam/
baselines.ts's: a Gaussian over a 24 x 24 grid, sigma 0.25 of the side, resized the same way."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch
import torch.nn.functional as F

from ..albef.model import ALBEF
from .data import Row, Split, to_model_input
from .fusion import fuse, image_keys_values
from .pairs import hard_negative
from .text import PhraseEncoder


def pointing_hit(grid: np.ndarray | torch.Tensor, box, width: int, height: int) -> bool:
    """metrics.md steps 1-4 for pg_hit (tolerance 0)."""
    g = torch.as_tensor(grid, dtype=torch.float32)
    if g.shape != (height, width):
        g = F.interpolate(g[None, None], size=(height, width), mode="bicubic", align_corners=False)[0, 0]
    if float(g.max() - g.min()) <= 1e-12:
        return False  # degenerate
    p = int(torch.argmax(g.flatten()))
    i, j = divmod(p, width)
    x0, y0, x1, y1 = box
    return x0 <= j + 0.5 <= x1 and y0 <= i + 0.5 <= y1


def centre_grid(n: int = 24, sigma: float = 0.25) -> np.ndarray:
    """src/cam/baselines.ts centreGrid."""
    c, s = n / 2, sigma * n
    ax = np.arange(n) + 0.5 - c
    return np.exp(-(ax[None, :] ** 2 + ax[:, None] ** 2) / (2 * s * s)).astype(np.float32)


@torch.no_grad()
def model_outputs(model: ALBEF, split: Split, rows: list[Row], phrases: list[str] | None = None,
                  batch_images: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """ITM match logits (class 1 minus class 0) [R] and GradCAM grids [R, gh, gw] of (row's image,
    phrase) for every row (phrase defaults to the row's own)."""
    was_training = model.training
    model.eval()
    encoder = PhraseEncoder()
    phrases = phrases if phrases is not None else [r.phrase for r in rows]
    by_image: dict[int, list[int]] = defaultdict(list)
    for k, row in enumerate(rows):
        by_image[row.image].append(k)
    images = sorted(by_image)
    margins = np.zeros(len(rows), dtype=np.float32)
    grids = np.zeros((len(rows), model.config.grid, model.config.grid), dtype=np.float32)
    for start in range(0, len(images), batch_images):
        chunk = images[start:start + batch_images]
        pixels = to_model_input(split.pixels[chunk])
        kv = image_keys_values(model, model.visual_encoder(pixels))
        ks = [k for slot, image in enumerate(chunk) for k in by_image[image]]
        slots = torch.tensor([slot for slot, image in enumerate(chunk) for _ in by_image[image]])
        ids, mask = encoder.batch([phrases[k] for k in ks])
        logits, cam = fuse(model, kv, slots, ids, mask, cam_layer=model.config.cam_layer)
        margins[ks] = (logits[:, 1] - logits[:, 0]).numpy()
        grids[ks] = cam.numpy()
    model.train(was_training)
    return margins, grids


def evaluate(model: ALBEF, split: Split, rows: list[Row] | None = None, seed: int = 0) -> dict:
    """pointing-game accuracy of the model and of the centre baseline (overall and per template), and
    ITM accuracy on the positives and on one hard negative per positive."""
    rows = rows if rows is not None else split.rows
    margins, grids = model_outputs(model, split, rows)
    hits = np.array([pointing_hit(g, r.box, r.width, r.height) for g, r in zip(grids, rows)])
    centre = centre_grid()
    centre_hits = np.array([pointing_hit(centre, r.box, r.width, r.height) for r in rows])
    rng = np.random.default_rng(seed)
    negatives = [hard_negative(rng, r)[0] for r in rows]
    with_negative = [k for k, n in enumerate(negatives) if n is not None]
    neg_margins, _ = model_outputs(model, split, [rows[k] for k in with_negative],
                                   [negatives[k].expr.phrase() for k in with_negative])
    by_template: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        by_template[r.template].append(k)
    return {
        "n": len(rows),
        "pg_model": 100 * float(hits.mean()),
        "pg_centre": 100 * float(centre_hits.mean()),
        "pg_by_template": {t: round(100 * float(hits[ks].mean()), 2) for t, ks in sorted(by_template.items())},
        "itm_acc_positive": 100 * float((margins > 0).mean()),
        "itm_acc_hard_negative": 100 * float((neg_margins < 0).mean()),
        "itm_pairwise": 100 * float((margins[with_negative] > neg_margins).mean()),
        "n_hard_negatives": len(with_negative),
    }
