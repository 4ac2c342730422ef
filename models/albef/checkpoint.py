"""Loading official ALBEF / ALBEF-AMC checkpoints into `ALBEF` (the key handling of ALBEF's
Grounding.py and AMC's grounding_eval_singlegpu.py)."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from ..core.checkpoint import CheckpointError, load_strict, load_torch_file, state_dict_of
from .model import ALBEF, AlbefConfig


def interpolate_pos_embed(pos_embed: torch.Tensor, grid: int) -> torch.Tensor:
    """Resize a ViT position embedding [1, 1 + g*g, D] to `grid` x `grid` patches, bicubic, CLS kept
    (ALBEF models/vit.py interpolate_pos_embed: e.g. pretraining's 16x16 at 256 px to 24x24 at 384)."""
    tokens = pos_embed.shape[1] - 1
    old = int(round(tokens ** 0.5))
    if old * old != tokens:
        raise CheckpointError(f"position embedding of {tokens} patches is not a square grid")
    if old == grid:
        return pos_embed
    cls, patches = pos_embed[:, :1], pos_embed[:, 1:]
    patches = patches.reshape(1, old, old, -1).permute(0, 3, 1, 2)
    patches = F.interpolate(patches, size=(grid, grid), mode="bicubic", align_corners=False)
    return torch.cat((cls, patches.permute(0, 2, 3, 1).flatten(1, 2)), dim=1)


def albef_state_dict(raw: dict[str, torch.Tensor], cfg: AlbefConfig) -> dict[str, torch.Tensor]:
    """Official keys -> this project's: drop the `bert.` of pretraining checkpoints (their text encoder
    is a BertForMaskedLM), and resize the position embedding to the configured grid."""
    state = {}
    for key, value in raw.items():
        state[key.replace("bert.", "") if "bert" in key else key] = value
    if "visual_encoder.pos_embed" in state:
        state["visual_encoder.pos_embed"] = interpolate_pos_embed(state["visual_encoder.pos_embed"], cfg.grid)
    return state


def infer_config(state: dict[str, torch.Tensor], base: AlbefConfig) -> AlbefConfig:
    """Check the checkpoint's sizes against `base` where they can be read from the tensors."""
    values = base.to_dict()
    word = state.get("text_encoder.embeddings.word_embeddings.weight")
    if word is not None:
        values["vocab_size"], values["text_width"] = int(word.shape[0]), int(word.shape[1])
    positions = state.get("text_encoder.embeddings.position_embeddings.weight")
    if positions is not None:
        values["max_position_embeddings"] = int(positions.shape[0])
    intermediate = state.get("text_encoder.encoder.layer.0.intermediate.dense.weight")
    if intermediate is not None:
        values["text_intermediate"] = int(intermediate.shape[0])
    patch = state.get("visual_encoder.patch_embed.proj.weight")
    if patch is not None:
        values["vision_width"], values["patch_size"] = int(patch.shape[0]), int(patch.shape[2])
    layers = {int(k.split(".")[3]) for k in state if k.startswith("text_encoder.encoder.layer.")}
    if layers:
        values["text_layers"] = max(layers) + 1
    cross = {int(k.split(".")[3]) for k in state if ".crossattention." in k and k.startswith("text_encoder.")}
    if cross:
        values["fusion_layer"] = min(cross)
    blocks = {int(k.split(".")[2]) for k in state if k.startswith("visual_encoder.blocks.")}
    if blocks:
        values["vision_layers"] = max(blocks) + 1
    return AlbefConfig.from_dict(values)


def load_albef(path: str | Path, cfg: AlbefConfig | None = None) -> tuple[ALBEF, list[str]]:
    """An ALBEF model with the checkpoint's weights, in eval mode. Returns the model and the
    checkpoint keys it does not use (momentum encoders, queues, MLM head: reported, not needed)."""
    raw = state_dict_of(load_torch_file(path), path)
    base = cfg or AlbefConfig()
    state = albef_state_dict(raw, base)
    cfg = infer_config(state, base)
    model = ALBEF(cfg)
    unused = load_strict(model, state, str(path))
    return model.eval(), unused
