"""Writes the metric goldens that test/metrics/*.test.ts compare groundcam against.

    .venv/bin/python test/reference/make_goldens.py          # (re)write every golden file
    .venv/bin/python test/reference/make_goldens.py --check  # regenerate in memory, fail if a file differs

Inputs are generated from fixed seeds; expected outputs come from metrics_reference.py (numpy, written
from the spec), and, where torch is installed (torch==2.13.0 only), the resize goldens from
torch.nn.functional.interpolate. Files written:
  test/goldens/metrics/cases.json        instances + expected metrics and drill-down details
  test/goldens/metrics/resize.json       resized maps U from the reference
  test/goldens/metrics/torch-resize.json resized maps U from PyTorch (only rewritten when torch is present)
  fixtures/score/                        a manifest with .npy heatmaps and the expected records, for the CLI
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics_reference as ref  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDENS = os.path.join(ROOT, "test", "goldens", "metrics")
FIXTURES = os.path.join(ROOT, "fixtures", "score")

PY_OPTION = {"resize": "resize", "pgTolerance": "pg_tolerance", "pgLevels": "pg_levels",
             "mergeBoxes": "merge_boxes", "nmsRadius": "nms_radius", "binThreshold": "bin_threshold",
             "peakThreshold": "peak_threshold", "smoothing": "smoothing"}


def rounded(a, digits=6):
    """Values with a short decimal form (compact JSON) that parse to the same double in JS and Python."""
    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(a, dtype=np.float64).ravel()]).reshape(np.shape(a))


def json_number(v):
    """A float for JSON; NaN and infinities as the strings JS's Number() reads back."""
    v = float(v)
    return v if np.isfinite(v) else ("NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))


def make_case(cases, name, grid, W, H, boxes, dtype="float64", **options):
    g = np.asarray(grid, dtype=np.float32 if dtype == "float32" else np.float64)
    py_opts = {PY_OPTION[k]: v for k, v in options.items()}
    record, details = ref.score(g, W, H, boxes, **py_opts)
    case = {
        "name": name,
        "grid": [[json_number(v) for v in row] for row in g],
        "dtype": dtype,
        "width": W,
        "height": H,
        "boxes": [[float(v) for v in b] for b in boxes],
        "options": options,
        "expected": record,
    }
    if details is not None:
        case["details"] = details
    cases.append(case)


def random_box(rng, W, H):
    x0, x1 = sorted(rng.uniform(-0.2 * W, 1.1 * W, 2))
    y0, y1 = sorted(rng.uniform(-0.2 * H, 1.1 * H, 2))
    return [round(x0, 2), round(y0, 2), round(max(x1, x0 + 1), 2), round(max(y1, y0 + 1), 2)]


def smooth_bumps(h, w, centres, rng=None, noise=0.0):
    yy, xx = np.mgrid[0:h, 0:w]
    g = np.zeros((h, w))
    for cy, cx, amp, sigma in centres:
        g += amp * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * sigma**2))
    if noise and rng is not None:
        g += noise * rng.standard_normal((h, w))
    return g


def build_cases():
    rng = np.random.default_rng(20240429)
    cases = []
    modes = ["bicubic", "bilinear", "nearest"]

    # random maps: many grid and image sizes (up, down, non-square, 1 x N), every resize mode
    grid_sizes = [(24, 24), (7, 5), (3, 9), (1, 6), (6, 1), (12, 16), (2, 2), (1, 1), (40, 30)]
    image_sizes = [(32, 24), (17, 23), (9, 40), (1, 20), (25, 1), (48, 36), (5, 4), (13, 13)]
    for gi, (gh, gw) in enumerate(grid_sizes):
        for ii, (W, H) in enumerate(image_sizes):
            if (gi + ii) % 2:
                continue
            for mode in modes:
                grid = rounded(rng.standard_normal((gh, gw)))
                boxes = [random_box(rng, W, H) for _ in range(1 + int(rng.integers(0, 3)))]
                make_case(cases, f"random {gh}x{gw} -> {W}x{H} {mode}", grid, W, H, boxes, resize=mode)

    # negative and shifted maps, float32 grids
    for k in range(6):
        grid = rounded(-np.abs(rng.standard_normal((8, 8))) - 100 * k)
        make_case(cases, f"negative map {k}", grid, 30, 20, [[3.3, 2.2, 14.7, 11.1]],
                  resize=modes[k % 3])
    for k in range(6):
        grid = rng.standard_normal((10, 12)).astype(np.float32) * 1e3
        make_case(cases, f"float32 grid {k}", grid, 37, 29, [random_box(rng, 37, 29)], dtype="float32",
                  resize=modes[k % 3])

    # maps already at image size (no resampling), with ties and plateaus
    for k in range(4):
        grid = rounded(rng.standard_normal((21, 27)))
        make_case(cases, f"image-size map {k}", grid, 27, 21, [random_box(rng, 27, 21)], resize=modes[k % 3])
    g = np.zeros((20, 30))
    g[5, 3] = g[12, 25] = 1.0  # two equal maxima: first in row-major order decides pg_hit
    make_case(cases, "two equal maxima, first outside", g, 30, 20, [[20, 8, 30, 20]], nmsRadius=5)
    make_case(cases, "two equal maxima, first inside", g, 30, 20, [[0, 0, 6, 8]], nmsRadius=5)
    make_case(cases, "two equal maxima, close (NMS merges)", g, 30, 20, [[0, 0, 6, 8]])
    make_case(cases, "two equal maxima, tolerance reaches", g, 30, 20, [[6, 0, 10, 8]], pgTolerance=3)
    make_case(cases, "two equal maxima, tolerance short", g, 30, 20, [[6, 0, 10, 8]], pgTolerance=2.5)
    g = np.zeros((60, 80))
    g[5:9, 4:10] = 3.0  # plateau of equal maxima inside the box
    g[40:44, 60:70] = 3.0  # and one far away outside: uncertain
    g[30, 30] = 2.9
    make_case(cases, "plateaus inside and outside", g, 80, 60, [[0, 0, 20, 20]])
    make_case(cases, "plateaus both inside", g, 80, 60, [[0, 0, 80, 50]])
    make_case(cases, "plateaus, levels 0", g, 80, 60, [[0, 0, 20, 20]], pgLevels=0)
    make_case(cases, "plateaus merged boxes", g, 80, 60, [[0, 0, 20, 20], [55, 35, 75, 50]], mergeBoxes=True)
    make_case(cases, "plateaus two boxes", g, 80, 60, [[0, 0, 20, 20], [55, 35, 75, 50]])
    # quantised maps where several distinct maxima round to exactly 255 (the paper's example)
    for k, amps in enumerate([(1.0, 0.999), (1.0, 0.998), (1.0, 0.9985), (1.0, 0.99)]):
        g = smooth_bumps(12, 16, [(3, 3, amps[0], 1.5), (8, 12, amps[1], 1.5)])
        for mode in modes:
            make_case(cases, f"near-equal bumps {amps} {mode}", rounded(g, 9), 64, 48, [[0, 0, 30, 25]], resize=mode)
            make_case(cases, f"near-equal bumps {amps} {mode} levels 16", rounded(g, 9), 64, 48, [[0, 0, 30, 25]],
                      resize=mode, pgLevels=16, nmsRadius=10)
    # integer-valued maps: big plateaus after nearest upsampling
    for k in range(4):
        grid = rng.integers(0, 4, (6, 6)).astype(np.float64)
        make_case(cases, f"integer map nearest {k}", grid, 60, 60, [random_box(rng, 60, 60)], resize="nearest",
                  nmsRadius=12)
        make_case(cases, f"integer map nearest {k} levels 0", grid, 60, 60, [random_box(rng, 60, 60)],
                  resize="nearest", pgLevels=0, nmsRadius=12)

    # degenerate maps (constant, or range at most 1e-12) and near-degenerate ones
    for v in (0.0, 5.0, -3.25):
        make_case(cases, f"constant {v}", np.full((5, 7), v), 20, 14, [[2, 2, 9, 9]])
    make_case(cases, "range 1e-13 (degenerate)", 1.0 + 1e-13 * rng.random((4, 4)), 10, 10, [[0, 0, 5, 5]])
    g = np.zeros((4, 4))
    g[1, 2] = 1e-9
    make_case(cases, "range 1e-9 (not degenerate)", g, 10, 10, [[0, 0, 5, 5]], resize="nearest")
    make_case(cases, "constant, box covers image", np.full((3, 3), 2.0), 9, 9, [[0, 0, 9, 9]])

    # boxes: several, overlapping, partly or wholly outside, non-integer, on pixel centres, whole image
    grid = rounded(smooth_bumps(10, 10, [(2, 7, 1.0, 2.0), (7, 2, 0.8, 1.5)], rng, 0.05))
    box_sets = {
        "one box": [[10.5, 5.5, 30.5, 20.5]],
        "edges on pixel centres": [[10.5, 5.5, 10.5 + 9, 5.5 + 4]],
        "non-integer": [[3.14159, 2.71828, 17.3205, 14.1421]],
        "overlapping": [[5, 5, 25, 25], [15, 15, 35, 35]],
        "three disjoint": [[0, 0, 5, 5], [30, 30, 40, 40], [20, 0, 25, 10]],
        "partly outside": [[-10, -5, 12, 9], [35, 30, 60, 55]],
        "one wholly outside": [[50, 50, 70, 70], [5, 5, 10, 10]],
        "nested": [[5, 5, 35, 35], [10, 10, 20, 20]],
        "whole image": [[0, 0, 40, 40]],
        "larger than image": [[-5, -5, 45, 45]],
        "thin column": [[19.9, 0, 20.6, 40]],
        "zero-area plus real": [[10, 10, 10, 30], [2, 2, 8, 8]],
        "tiny box without centre plus real": [[0.1, 0.1, 0.4, 0.4], [30, 30, 38, 39]],
        "corner pixel": [[39.5, 39.5, 40, 40]],
    }
    for name, boxes in box_sets.items():
        for mode in modes:
            make_case(cases, f"boxes: {name} ({mode})", grid, 40, 40, boxes, resize=mode)
        make_case(cases, f"boxes: {name} merged", grid, 40, 40, boxes, mergeBoxes=True)
        make_case(cases, f"boxes: {name} tolerance 6", grid, 40, 40, boxes, pgTolerance=6)
    # invalid instances
    for name, boxes in {
        "no boxes": [],
        "box outside": [[50, 50, 60, 60]],
        "box left of image": [[-20, 5, -1, 10]],
        "zero width": [[10, 10, 10, 20]],
        "zero height": [[10, 10, 20, 10]],
        "no pixel centre": [[10.1, 10.1, 10.4, 10.45]],
        "touching the edge from outside": [[40, 0, 50, 40]],
    }.items():
        make_case(cases, f"invalid: {name}", grid, 40, 40, boxes)
    bad = grid.copy()
    bad[3, 3] = np.nan
    make_case(cases, "invalid: NaN in heatmap", bad, 40, 40, [[0, 0, 10, 10]])
    bad[3, 3] = np.inf
    make_case(cases, "invalid: +Infinity in heatmap", bad, 40, 40, [[0, 0, 10, 10]])

    # options: tolerance, levels, NMS radius, thresholds
    for k in range(12):
        g = rounded(rng.standard_normal((9, 9)))
        opts = [dict(pgTolerance=3.0), dict(pgTolerance=15), dict(pgLevels=0), dict(pgLevels=2),
                dict(pgLevels=10), dict(pgLevels=1000), dict(nmsRadius=5), dict(nmsRadius=0),
                dict(binThreshold=0.3), dict(peakThreshold=0.5), dict(smoothing=0.0), dict(pgLevels=3, nmsRadius=4)][k]
        make_case(cases, f"options {opts}", g, 45, 45, [random_box(rng, 45, 45)], **opts)

    # realistic size: 24 x 24 grids on 640 x 480 images
    for k in range(6):
        g = rounded(rng.standard_normal((24, 24)))
        boxes = [random_box(rng, 640, 480) for _ in range(1 + k % 3)]
        make_case(cases, f"24x24 -> 640x480 #{k}", g, 640, 480, boxes, resize=modes[k % 3], mergeBoxes=k == 5)
    return cases


def build_resize():
    rng = np.random.default_rng(7)
    out = []
    for (gh, gw, H, W) in [(4, 5, 9, 13), (24, 24, 30, 40), (7, 3, 2, 5), (1, 4, 3, 9), (5, 1, 11, 2),
                           (6, 6, 6, 6), (6, 6, 6, 10), (10, 12, 4, 5), (3, 3, 40, 1)]:
        g = rounded(rng.standard_normal((gh, gw)))
        for mode in ("bicubic", "bilinear", "nearest"):
            u = ref.resize(g, H, W, mode)
            out.append({"grid": g.tolist(), "width": W, "height": H, "mode": mode, "u": u.tolist()})
    return out


def build_torch_resize():
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    rng = np.random.default_rng(11)
    out = []
    for (gh, gw, H, W) in [(24, 24, 48, 64), (7, 5, 13, 29), (24, 24, 10, 7), (3, 9, 100, 2), (1, 5, 4, 50),
                           (16, 16, 43, 64), (5, 5, 5, 9), (12, 12, 24, 24)]:
        g = rounded(rng.standard_normal((gh, gw)))
        t = torch.from_numpy(g)[None, None]
        for mode in ("bicubic", "bilinear", "nearest"):
            u = F.interpolate(t, size=(H, W), mode=mode, **({} if mode == "nearest" else {"align_corners": False}))
            out.append({"grid": g.tolist(), "width": W, "height": H, "mode": mode, "u": u[0, 0].numpy().tolist()})
    return {"torch": torch.__version__, "maps": out}


def npy_bytes(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def build_fixtures():
    """fixtures/score: heatmaps as .npy, a manifest, and the expected records of `groundcam score`."""
    rng = np.random.default_rng(99)
    files = {}
    rows = []
    expected = []

    def add(id_, grid, W, H, boxes, npy_name=None, raw=None, include_size=True):
        name = npy_name or f"heatmaps/{len(rows):02d}.npy"
        files[name] = raw if raw is not None else npy_bytes(grid)
        row = {"id": id_, "image": f"images/{id_}.jpg"}
        if include_size:
            row.update(width=W, height=H)
        row.update(phrase="a phrase", boxes=boxes, heatmap=name)
        rows.append(row)
        if grid is not None:
            record, _ = ref.score(grid, W, H, boxes)
            expected.append({"id": id_, **record})

    for k in range(8):
        W, H = int(rng.integers(20, 90)), int(rng.integers(20, 90))
        dtype = np.float32 if k % 2 else np.float64
        grid = rng.standard_normal((int(rng.integers(2, 12)), int(rng.integers(2, 12)))).astype(dtype)
        add(f"random-{k}", grid, W, H, [random_box(rng, W, H) for _ in range(1 + k % 2)])
    add("degenerate", np.full((4, 4), 1.5), 32, 24, [[4, 4, 12, 12]])
    add("negative", -np.abs(rng.standard_normal((6, 6))), 30, 30, [[10, 10, 20, 25]])
    g = np.zeros((24, 32))
    g[3, 3] = g[20, 28] = 1.0
    add("two-maxima", g, 32, 24, [[0, 0, 8, 8]])
    add("empty-mask", rng.standard_normal((5, 5)), 30, 30, [[40, 40, 50, 50]])
    add("no-boxes", rng.standard_normal((5, 5)), 30, 30, [])
    # unusable heatmaps: int64, 3-D, Fortran order, missing file
    add("int-heatmap", None, 30, 30, [[0, 0, 10, 10]], raw=npy_bytes(np.arange(25, dtype=np.int64).reshape(5, 5)))
    expected.append({"id": "int-heatmap", "invalid": True})
    add("3d-heatmap", None, 30, 30, [[0, 0, 10, 10]], raw=npy_bytes(np.zeros((2, 3, 4))))
    expected.append({"id": "3d-heatmap", "invalid": True})
    fortran = np.asfortranarray(rng.standard_normal((4, 6)))
    add("fortran-heatmap", None, 30, 30, [[0, 0, 10, 10]], raw=npy_bytes(fortran))
    expected.append({"id": "fortran-heatmap", "invalid": True})
    rows.append({"id": "missing-heatmap", "image": "images/x.jpg", "width": 30, "height": 30, "phrase": "p",
                 "boxes": [[0, 0, 10, 10]], "heatmap": "heatmaps/does-not-exist.npy"})
    expected.append({"id": "missing-heatmap", "invalid": True})
    manifest = "".join(json.dumps(r) + "\n" for r in rows)
    files["manifest.jsonl"] = manifest.encode()
    files["expected.jsonl"] = "".join(json.dumps(r) + "\n" for r in expected).encode()
    # a manifest with malformed lines among good ones
    bad_lines = [
        json.dumps(rows[0]),
        "{not json",
        json.dumps({"id": "no-boxes-field", "image": "x.jpg", "phrase": "p", "width": 30, "height": 30}),
        json.dumps(rows[1]),
        json.dumps(rows[0]),  # duplicate id
        json.dumps(rows[2]),
    ]
    files["malformed.jsonl"] = ("\n".join(bad_lines) + "\n").encode()
    return files


def dump(obj):
    return (json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n").encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a committed golden differs from a fresh one")
    args = parser.parse_args()
    outputs = {
        os.path.join(GOLDENS, "cases.json"): dump({"generator": "test/reference/make_goldens.py",
                                                   "cases": build_cases()}),
        os.path.join(GOLDENS, "resize.json"): dump({"generator": "test/reference/make_goldens.py",
                                                    "maps": build_resize()}),
    }
    torch_maps = build_torch_resize()
    if torch_maps is not None:
        outputs[os.path.join(GOLDENS, "torch-resize.json")] = dump(torch_maps)
    else:
        print("torch not installed: torch-resize.json left as it is", file=sys.stderr)
    for name, data in build_fixtures().items():
        outputs[os.path.join(FIXTURES, name)] = data
    stale = []
    for path, data in outputs.items():
        if args.check:
            if not os.path.exists(path) or open(path, "rb").read() != data:
                stale.append(os.path.relpath(path, ROOT))
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
    if args.check:
        if stale:
            print("goldens out of date (run test/reference/make_goldens.py):\n  " + "\n  ".join(stale), file=sys.stderr)
            sys.exit(1)
        print(f"{len(outputs)} golden files up to date")
    else:
        for path in outputs:
            print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
