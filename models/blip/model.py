"""BLIP image-text matching models: Hugging Face `BlipForImageTextRetrieval` (the converted Salesforce
checkpoints `Salesforce/blip-itm-base-coco` and `blip-itm-large-coco`), or the same architecture with
random weights from a preset (`BlipConfig`)."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..core.checkpoint import CheckpointError, sha256_of
from ..core.random_init import init_random

# Sizes of LAVIS's blip_itm_base / blip_itm_large (ViT-B/16 or ViT-L/16 at 384 px; BERT-base text
# encoder with cross-attention in every layer, 12 heads as LAVIS's med_config.json).
_TEXT_BASE = dict(vocab_size=30524, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                  num_attention_heads=12, max_position_embeddings=512)
PRESETS: dict[str, dict] = {
    "base": {"text_config": _TEXT_BASE,
             "vision_config": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                   num_attention_heads=12, image_size=384, patch_size=16)},
    "large": {"text_config": _TEXT_BASE,
              "vision_config": dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                                    num_attention_heads=16, image_size=384, patch_size=16)},
    # a few hundred kB: the test fixtures and parity tests (vocabulary: built, see tokenizer_files)
    "tiny": {"text_config": dict(vocab_size=402, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                                 num_attention_heads=2, max_position_embeddings=64, bos_token_id=400,
                                 sep_token_id=3, eos_token_id=3),
             "vision_config": dict(hidden_size=24, intermediate_size=48, num_hidden_layers=2, num_attention_heads=2,
                                   image_size=32, patch_size=8)},
}

# LAVIS compute_gradcam's default block_num (of 12 text layers); smaller test models use their middle layer
DEFAULT_CAM_LAYER = 6


def default_cam_layer(num_layers: int) -> int:
    return DEFAULT_CAM_LAYER if num_layers > DEFAULT_CAM_LAYER else num_layers // 2
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def blip_config(values: dict):
    from transformers import BlipConfig

    text = dict(values.get("text_config", {}))
    vision = dict(values.get("vision_config", {}))
    text.setdefault("encoder_hidden_size", vision.get("hidden_size", 768))
    rest = {k: v for k, v in values.items() if k not in ("text_config", "vision_config")}
    return BlipConfig(text_config=text, vision_config=vision, **rest)


def random_blip(values: dict, seed: int):
    from transformers import BlipForImageTextRetrieval

    torch.manual_seed(seed)
    return init_random(BlipForImageTextRetrieval(blip_config(values)), seed).eval()


def weights_file(folder: Path) -> Path:
    for name in WEIGHT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise CheckpointError(f"{folder} holds no {' or '.join(WEIGHT_FILES)} (a Hugging Face model folder is expected, "
                          "e.g. a download of Salesforce/blip-itm-base-coco)")


def load_blip(folder: Path):
    """A Hugging Face BlipForImageTextRetrieval folder -> (model in eval mode, sha256 of its weights).
    transformers reads safetensors, or a .bin with torch.load(weights_only=True)."""
    from transformers import BlipForImageTextRetrieval

    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: for BLIP, --checkpoint is a Hugging Face model folder (config.json and weights)")
    config = json.loads((folder / "config.json").read_text()) if (folder / "config.json").is_file() else {}
    if config.get("model_type") not in (None, "blip") or "BlipForImageTextRetrieval" not in config.get("architectures", ["BlipForImageTextRetrieval"]):
        raise CheckpointError(f"{folder} is not a BlipForImageTextRetrieval checkpoint (architectures: {config.get('architectures')})")
    weights = weights_file(folder)
    model = BlipForImageTextRetrieval.from_pretrained(str(folder), local_files_only=True)
    return model.eval(), sha256_of(weights), weights
