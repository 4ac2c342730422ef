"""Training data from the project's own generator (`groundcam data import shapes`), preprocessed the
way the TypeScript evaluator preprocesses images for this model: decode, resize straight to the square
input with Pillow's BICUBIC (Pillow < 13, whose pass order the evaluator reproduces), ToTensor,
normalise with model.json's mean/std."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..core.card import CLIP_MEAN, CLIP_STD
from .phrases import Expr, Obj, expr_of, margin_of, objects_of

REPO = Path(__file__).resolve().parents[2]
# the normalisation written into model.json (the exporter's ALBEF card uses CLIP's, as ALBEF does)
MEAN = CLIP_MEAN
STD = CLIP_STD


@dataclass
class Row:
    """One manifest instance: an image, a phrase and the box of the one shape it names."""

    id: str
    image: int  # index into the split's image array
    width: int
    height: int
    phrase: str
    box: tuple[float, float, float, float]
    expr: Expr
    target: int
    objects: list[Obj]
    template: str

    @property
    def margin(self) -> float:
        return margin_of(self.width, self.height)


@dataclass
class Split:
    name: str
    rows: list[Row]
    pixels: np.ndarray  # uint8 [N, S, S, 3], the resized images
    files: list[Path]

    def images_of(self) -> dict[int, list[int]]:
        """image index -> indices of its rows"""
        out: dict[int, list[int]] = {}
        for k, row in enumerate(self.rows):
            out.setdefault(row.image, []).append(k)
        return out


def generate(split: str, n: int, seed: int, folder: Path, log=print) -> Path:
    """Runs the CLI's shapes generator (needs `npm ci` done: dist/ built) and returns the manifest path.
    A manifest already there for the same arguments is reused."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / f"{split}-n{n}-seed{seed}.jsonl"
    stamp = manifest.with_suffix(".done")
    if manifest.is_file() and stamp.is_file():
        return manifest
    cli = REPO / "bin" / "groundcam.js"
    if not (REPO / "dist" / "cli" / "main.js").is_file():
        raise FileNotFoundError(f"{REPO / 'dist'} is not built: run `npm ci` in {REPO} first")
    log(f"generating the shapes {split} split ({n} images, seed {seed}) into {folder}")
    cmd = ["node", str(cli), "data", "import", "shapes", "--split", split, "--n", str(n), "--seed", str(seed),
           "--out", str(manifest), "--images", str(folder / f"images-{split}-seed{seed}")]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr}")
    stamp.write_text(result.stderr)
    return manifest


def preprocess(path: Path, size: int) -> np.ndarray:
    """uint8 [size, size, 3]: RGB, resized straight to size x size with Pillow BICUBIC."""
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB").resize((size, size), Image.BICUBIC), dtype=np.uint8)


def load_split(manifest: Path, size: int, log=print) -> Split:
    """Rows and resized images of a manifest; the images are cached next to it as .npy."""
    raw = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    files: list[Path] = []
    index_of: dict[str, int] = {}
    rows = []
    for r in raw:
        image = r["image"]
        if image not in index_of:
            index_of[image] = len(files)
            files.append((manifest.parent / image).resolve())
        meta = r["meta"]
        rows.append(Row(id=r["id"], image=index_of[image], width=r["width"], height=r["height"], phrase=r["phrase"],
                        box=tuple(r["boxes"][0]), expr=expr_of(meta), target=meta["target"]["index"],
                        objects=objects_of(meta), template=meta["template"]))
    cache = manifest.with_name(f"{manifest.stem}-{size}px.npy")
    if cache.is_file():
        pixels = np.load(cache)
    else:
        log(f"resizing {len(files)} images of {manifest.name} to {size} px")
        pixels = np.stack([preprocess(f, size) for f in files])
        np.save(cache, pixels)
    if pixels.shape != (len(files), size, size, 3):
        raise ValueError(f"{cache} holds {pixels.shape}, expected {(len(files), size, size, 3)}: delete it")
    return Split(manifest.stem.split("-")[0], rows, pixels, files)


def to_model_input(pixels: np.ndarray) -> torch.Tensor:
    """uint8 [N, S, S, 3] -> float32 [N, 3, S, S], ToTensor then Normalize(MEAN, STD)."""
    x = torch.from_numpy(pixels).permute(0, 3, 1, 2).to(torch.float32) / 255.0
    mean = torch.tensor(MEAN, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float32).view(1, 3, 1, 1)
    return (x - mean) / std


def box_coverage(box, width: int, height: int, grid: int) -> np.ndarray:
    """[grid, grid] float32: the fraction of each patch cell (the image split into grid x grid cells,
    as the straight resize maps it) that the box covers."""
    x0, y0, x1, y1 = box
    xs = np.arange(grid + 1) * (width / grid)
    ys = np.arange(grid + 1) * (height / grid)
    ox = np.clip(np.minimum(xs[1:], x1) - np.maximum(xs[:-1], x0), 0, None) / (width / grid)
    oy = np.clip(np.minimum(ys[1:], y1) - np.maximum(ys[:-1], y0), 0, None) / (height / grid)
    return np.outer(oy, ox).astype(np.float32)


def python_env_ok() -> None:
    import PIL

    major = int(PIL.__version__.split(".")[0])
    if major >= 13:
        print(f"warning: Pillow {PIL.__version__}: the evaluator reproduces Pillow <= 12's resize; "
              "install pillow<13 (models/requirements.txt)", file=sys.stderr)
