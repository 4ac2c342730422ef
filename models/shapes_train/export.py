"""The trained checkpoint to the model folder, through the project's exporter (models/albef/export.py,
as `python -m models.export albef --checkpoint ... --tokenizer ...` does it), then the card's
provenance completed with how the model was made."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..albef.export import CONFIG_KEY, export_albef
from ..albef.model import ALBEF
from ..core.card import validate_card
from ..core.family import ExportRequest


def save_checkpoint(model: ALBEF, path: Path) -> Path:
    """A training checkpoint in ALBEF's layout: {'model': state dict with the official key names,
    'groundcam_config': the AlbefConfig fields}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    torch.save({"model": state, CONFIG_KEY: model.config.to_dict()}, path)
    return path


def export_model(checkpoint: Path, tokenizer: Path, out: Path, name: str, notes: str, seed: int,
                 log=print) -> dict:
    request = ExportRequest(family="albef", out=out, checkpoint=checkpoint, tokenizer=tokenizer, name=name,
                            variant="albef-shapes", seed=seed)
    result = export_albef(request, log=log)
    log(result.summary())
    card_path = out / "model.json"
    card = json.loads(card_path.read_text())
    card["provenance"]["checkpoint"] = checkpoint.name
    card["provenance"]["seed"] = seed
    card["provenance"]["notes"] = notes
    validate_card(card, out)
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    return card
