"""Independent numpy reference of the Q-GroundCAM metrics, written from ../shared/spec/metrics.md.

It is deliberately plain: whole-map numpy arrays, one step per spec section, Python loops where the
spec is a loop (greedy NMS). It shares no code with the TypeScript implementation in src/metrics/;
the test suite compares the two on the goldens that make_goldens.py writes, and the benchmark
(bench/metrics.ts) times this module as the "straightforward numpy implementation".

Conventions decided by the project (README "Metrics"): everything in float64; A = (U - min) / (max - min);
Q = np.round(levels * A) (round half to even); boxes clipped to the image, zero-area boxes dropped.
"""
from __future__ import annotations

import numpy as np

DEFAULTS = dict(
    resize="bicubic",
    pg_tolerance=0.0,
    pg_levels=255,
    merge_boxes=False,
    smoothing=0.001,
    bin_threshold=0.5,
    peak_threshold=0.7,
    nms_radius=50.0,
    degenerate_range=1e-12,
)

METRIC_FIELDS = ("pg_hit", "pg_uncertain", "peaks", "iou_soft", "iou_bin", "dice_soft", "dice_bin",
                 "io_ratio", "wdp_soft", "wdp_bin", "degenerate")


# ---- Step 1: resize -------------------------------------------------------------------------------

def keys_cubic(x, a=-0.75):
    """Keys' cubic convolution kernel at distance x (PyTorch's a = -0.75)."""
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return np.where(x <= 1.0, near, np.where(x < 2.0, far, 0.0))


def source_coordinate(n_in, n_out):
    """s = (o + 0.5) * (in / out) - 0.5 for every output index o (align_corners=False)."""
    return (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5


def interpolation_taps(n_in, n_out, mode):
    """(indices, weights), each of shape (n_out, taps), for one axis, with PyTorch's own arithmetic
    (aten UpSample.h): bicubic weights cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t) with
    t = s - floor(s); bilinear clamps s to >= 0 first. Where every tap of an output index falls on the
    same (clamped) input index, the output is that input exactly (weight 1), as in exact arithmetic."""
    s = source_coordinate(n_in, n_out)
    if mode == "bicubic":
        base = np.floor(s)
        t = s - base
        unclamped = base[:, None] + np.arange(-1, 3)[None, :]
        weights = np.stack([keys_cubic(t + 1.0), keys_cubic(t), keys_cubic(1.0 - t), keys_cubic(2.0 - t)], axis=1)
    elif mode == "bilinear":
        s = np.maximum(s, 0.0)
        base = np.floor(s)
        frac = s - base
        unclamped = np.stack([base, np.where(base < n_in - 1, base + 1, base)], axis=1)
        weights = np.stack([1.0 - frac, frac], axis=1)
    else:
        raise ValueError(mode)
    indices = np.clip(unclamped, 0, n_in - 1).astype(np.int64)
    same = np.all(indices == indices[:, :1], axis=1)
    weights[same] = 0.0
    weights[same, 0] = 1.0
    return indices, weights


def resize(grid, H, W, mode="bicubic"):
    """U = resize(G, H, W) with PyTorch's align_corners=False conventions; a grid already H x W is kept."""
    G = np.asarray(grid, dtype=np.float64)
    gh, gw = G.shape
    if (gh, gw) == (H, W):
        return G.copy()
    if mode == "nearest":
        # PyTorch's legacy 'nearest': src = min(floor(o * in / out), in - 1), in exact integer arithmetic
        rows = np.minimum((np.arange(H) * gh) // H, gh - 1)
        cols = np.minimum((np.arange(W) * gw) // W, gw - 1)
        return G[rows][:, cols]
    # separable: along x inside each row first, then along y, taps summed in order
    ix, wx = interpolation_taps(gw, W, mode)
    T = wx[:, 0][None, :] * G[:, ix[:, 0]]
    for k in range(1, ix.shape[1]):
        T = T + wx[:, k][None, :] * G[:, ix[:, k]]
    iy, wy = interpolation_taps(gh, H, mode)
    U = wy[:, 0][:, None] * T[iy[:, 0], :]
    for k in range(1, iy.shape[1]):
        U = U + wy[:, k][:, None] * T[iy[:, k], :]
    return U


# ---- Step 2: normalise ----------------------------------------------------------------------------

def normalise(U, degenerate_range=1e-12):
    lo, hi = U.min(), U.max()
    if hi - lo <= degenerate_range:
        return np.zeros_like(U), True
    return (U - lo) / (hi - lo), False


# ---- Step 3: boxes, mask, distance ---------------------------------------------------------------

def prepare_boxes(boxes, W, H, merge=False):
    """Clip to the image, drop zero-area boxes, optionally merge; returns (boxes, reason or None)."""
    if len(boxes) == 0:
        return [], "no boxes"
    kept = []
    for x0, y0, x1, y1 in boxes:
        cx0, cx1 = min(max(x0, 0.0), W), min(max(x1, 0.0), W)
        cy0, cy1 = min(max(y0, 0.0), H), min(max(y1, 0.0), H)
        if cx1 > cx0 and cy1 > cy0:
            kept.append((float(cx0), float(cy0), float(cx1), float(cy1)))
    if not kept:
        return [], "every box is outside the image or has zero area"
    if merge:
        kept = [(min(b[0] for b in kept), min(b[1] for b in kept), max(b[2] for b in kept), max(b[3] for b in kept))]
    return kept, None


def pixel_centres(H, W):
    cy = np.arange(H, dtype=np.float64)[:, None] + 0.5
    cx = np.arange(W, dtype=np.float64)[None, :] + 0.5
    return cy, cx


def box_mask(boxes, H, W):
    cy, cx = pixel_centres(H, W)
    M = np.zeros((H, W), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        M |= (x0 <= cx) & (cx <= x1) & (y0 <= cy) & (cy <= y1)
    return M


def box_distance(boxes, H, W):
    """D: Euclidean distance from each pixel centre to the nearest point of the nearest box (0 inside)."""
    cy, cx = pixel_centres(H, W)
    D2 = np.full((H, W), np.inf)
    for x0, y0, x1, y1 in boxes:
        dx = np.maximum(np.maximum(x0 - cx, 0.0), cx - x1)
        dy = np.maximum(np.maximum(y0 - cy, 0.0), cy - y1)
        D2 = np.minimum(D2, dx * dx + dy * dy)
    return np.sqrt(D2)


# ---- Step 4: the metrics --------------------------------------------------------------------------

def quantise(A, levels):
    return np.round(levels * A) if levels > 0 else A


def find_peaks(Q, levels, threshold):
    """Boolean map: Q/levels > threshold and Q >= each of its 8 neighbours inside the image."""
    H, W = Q.shape
    above = (Q / levels > threshold) if levels > 0 else (Q > threshold)
    padded = np.full((H + 2, W + 2), -np.inf)
    padded[1:-1, 1:-1] = Q
    ok = above.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            ok &= Q >= padded[1 + dy:1 + dy + H, 1 + dx:1 + dx + W]
    return ok


def nms(Q, peak_map, radius):
    """Greedy NMS: peaks by Q descending then row-major index; a peak is kept unless an already kept
    peak lies closer than radius. Keeping a peak removes every later peak within radius of it."""
    H, W = Q.shape
    flat = np.flatnonzero(peak_map.ravel())
    order = flat[np.lexsort((flat, -Q.ravel()[flat]))]
    ys, xs = order // W, order % W
    kept = []
    while order.size:
        kept.append(int(order[0]))
        far = (ys - ys[0]) ** 2 + (xs - xs[0]) ** 2 >= radius * radius
        far[0] = False
        order, ys, xs = order[far], ys[far], xs[far]
    return kept


def score(grid, W, H, boxes, **options):
    """Scores one instance; returns (record, details). record holds the metrics or {"invalid": reason}."""
    o = dict(DEFAULTS, **options)
    G = np.asarray(grid, dtype=np.float64)
    if G.ndim != 2 or G.size == 0:
        return {"invalid": "heatmap is not a non-empty 2-D grid"}, None
    if not np.all(np.isfinite(G)):
        return {"invalid": "heatmap has non-finite values (NaN or ±Infinity)"}, None
    kept, reason = prepare_boxes(boxes, W, H, o["merge_boxes"])
    if reason:
        return {"invalid": reason}, None
    M = box_mask(kept, H, W)
    if not M.any():
        return {"invalid": "the boxes cover no pixel centre"}, None
    D = box_distance(kept, H, W)

    U = resize(G, H, W, o["resize"])
    A, degenerate = normalise(U, o["degenerate_range"])
    if not degenerate and np.all(G == G.flat[0]):
        # a constant grid is a constant map in exact arithmetic (only resize rounding could say otherwise)
        A, degenerate = np.zeros_like(U), True
    s = o["smoothing"]
    Mf = M.astype(np.float64)
    A_bin = (A >= o["bin_threshold"]).astype(np.float64)

    def iou_dice(X):
        inter = np.sum(X * Mf)
        total = np.sum(X) + np.sum(Mf)
        union = total - inter
        return (inter + s) / (union + s), 2.0 * (inter + s) / (total + s)

    iou_soft, dice_soft = iou_dice(A)
    iou_bin, dice_bin = iou_dice(A_bin)

    inside = np.sum(A * Mf)
    outside = np.sum(A * (1.0 - Mf))
    io_ratio = 0.0 if inside + outside == 0 else inside / (inside + outside)

    max_d = D.max()

    def wdp(X):
        total = X.sum()
        if max_d == 0 or total == 0:
            return 0.0
        return float(np.sum(X * (D / max_d)) / total)

    argmax = int(np.argmax(A))
    ay, ax = divmod(argmax, W)
    if degenerate:
        pg_hit, pg_unc, kept_peaks = 0, 0, []
    else:
        if o["pg_tolerance"] > 0:
            pg_hit = int(D[ay, ax] < o["pg_tolerance"])
        else:
            pg_hit = int(M[ay, ax])
        Q = quantise(A, o["pg_levels"])
        peak_map = find_peaks(Q, o["pg_levels"], o["peak_threshold"])
        kept_peaks = nms(Q, peak_map, o["nms_radius"])
        qflat = Q.ravel()
        top = [p for p in kept_peaks if qflat[p] == qflat[kept_peaks[0]]] if kept_peaks else []
        inside_top = [bool(M.ravel()[p]) for p in top]
        pg_unc = int(len(top) >= 2 and any(inside_top) and not all(inside_top))

    record = {
        "pg_hit": pg_hit,
        "pg_uncertain": pg_unc,
        "peaks": len(kept_peaks),
        "iou_soft": float(iou_soft),
        "iou_bin": float(iou_bin),
        "dice_soft": float(dice_soft),
        "dice_bin": float(dice_bin),
        "io_ratio": float(io_ratio),
        "wdp_soft": wdp(A),
        "wdp_bin": wdp(A_bin),
        "degenerate": bool(degenerate),
    }
    details = {
        "argmax": [ax, ay],
        "peaks": [[p % W, p // W, float(qflat[p])] for p in kept_peaks] if not degenerate else [],
        "max_d": float(max_d),
    }
    return record, details


def _main():
    """Scores cases given as JSON on stdin: [{"grid", "width", "height", "boxes", "options"}] → JSON results."""
    import json
    import sys

    names = {"resize": "resize", "pgTolerance": "pg_tolerance", "pgLevels": "pg_levels", "mergeBoxes": "merge_boxes",
             "nmsRadius": "nms_radius", "binThreshold": "bin_threshold", "peakThreshold": "peak_threshold",
             "smoothing": "smoothing"}
    out = []
    for case in json.load(sys.stdin):
        grid = np.array(case["grid"], dtype=np.float32 if case.get("dtype") == "float32" else np.float64)
        opts = {names[k]: v for k, v in case.get("options", {}).items()}
        record, details = score(grid, case["width"], case["height"], case["boxes"], **opts)
        out.append({"expected": record, "details": details})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    _main()
