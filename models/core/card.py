"""model.json: the card the TypeScript evaluator reads (schema: models/model.schema.json)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from importlib import metadata
from pathlib import Path

import jsonschema

from .. import __version__ as EXPORTER_VERSION

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "model.schema.json"
SCHEMA_ID = "groundcam/model@1"

# CLIP's normalisation, which ALBEF and BLIP use too (their eval transforms)
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def provenance(checkpoint: str | None, checkpoint_sha256: str | None, opset: int, config: dict,
               seed: int | None = None, notes: str | None = None, created: str | None = None) -> dict:
    import torch

    out = {
        "checkpoint": checkpoint,
        "checkpoint_sha256": checkpoint_sha256,
        "random_init": checkpoint is None,
        "seed": seed,
        "config": config,
        "exporter_version": EXPORTER_VERSION,
        "torch": torch.__version__,
        "onnx": package_version("onnx"),
        "onnxruntime": package_version("onnxruntime"),
        "transformers": package_version("transformers"),
        "opset": opset,
        "created": created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
    }
    if notes:
        out["notes"] = notes
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def graph_card(graph, run: str) -> dict:
    """model.json's entry for one exported graph (an ExportedGraph)."""
    return {"file": graph.path.name, "run": run, "inputs": [s.card() for s in graph.inputs],
            "outputs": [s.card() for s in graph.outputs], "external_data": graph.external_data,
            "sha256": file_sha256(graph.path)}


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def validate_card(card: dict, folder: Path | None = None) -> None:
    """Schema check, plus: every file the card names exists in the folder."""
    jsonschema.Draft202012Validator(load_schema()).validate(card)
    if folder is None:
        return
    names = [card["text"]["tokenizer"]] + [g["file"] for g in card["graphs"].values()]
    if card["text"].get("tokenizer_config"):
        names.append(card["text"]["tokenizer_config"])
    for name in names:
        if not (folder / name).is_file():
            raise FileNotFoundError(f"model.json names {name}, which is not in {folder}")


def write_card(card: dict, folder: Path) -> Path:
    validate_card(card, folder)
    path = folder / "model.json"
    path.write_text(json.dumps(card, indent=2) + "\n")
    return path
