"""ALBEF's two graphs: `image` (pixels -> cross-attention keys/values of every fusion layer) and `cam`
(keys/values + phrases -> ITM score and per-token attention-GradCAM), see core/fusion_cam.py."""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from ..core.fusion_cam import FusionCamSpec, fusion_gradcam, gather_kv, image_kv
from .model import ALBEF, MASK_VALUE, VisionAttention


def cam_spec(model: ALBEF, cam_layer: int | None = None) -> FusionCamSpec:
    cfg = model.config
    layer = cfg.cam_layer if cam_layer is None else cam_layer
    return FusionCamSpec(num_heads=cfg.text_heads, head_dim=cfg.text_width // cfg.text_heads,
                         cross_layers=tuple(cfg.fusion_layers), cam_layer=layer, grid=(cfg.grid, cfg.grid),
                         mask_value=MASK_VALUE)


class AlbefImageGraph(nn.Module):
    """pixel_values [I, 3, S, S] -> cross_k_<l>, cross_v_<l> [I, H, N, d] for each fusion layer l (N = 1 + patches)."""

    def __init__(self, model: ALBEF, spec: FusionCamSpec, fused_attention: bool = False):
        super().__init__()
        self.visual_encoder = model.visual_encoder
        self.layers = model.text_encoder.encoder.layer
        self.spec = spec
        self.fused_attention = fused_attention

    def forward(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        with fused_vision_attention(self.visual_encoder, self.fused_attention):
            embeds = self.visual_encoder(pixel_values)
        return image_kv(self.layers, self.spec, embeds)


@contextlib.contextmanager
def fused_vision_attention(encoder: nn.Module, fused: bool):
    blocks = [m for m in encoder.modules() if isinstance(m, VisionAttention)]
    saved = [b.fused for b in blocks]
    for b in blocks:
        b.fused = fused
    try:
        yield
    finally:
        for b, flag in zip(blocks, saved):
            b.fused = flag


class AlbefCam:
    """(cross_k_<l>, cross_v_<l> for each fusion layer, image_index [B], input_ids [B, T], attention_mask [B, T])
    -> score [B], cam [B, T, gh, gw]."""

    def __init__(self, model: ALBEF, spec: FusionCamSpec):
        self.model = model
        self.spec = spec

    def __call__(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        *kv, image_index, input_ids, attention_mask = inputs
        text = self.model.text_encoder
        hidden = text.embeddings(input_ids)
        itm = self.model.itm_head
        return fusion_gradcam(text.encoder.layer, hidden, attention_mask, gather_kv(kv, image_index),
                              lambda cls: itm(cls)[:, 1], self.spec)
