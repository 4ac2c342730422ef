"""BLIP ITM's two graphs over a Hugging Face `BlipForImageTextRetrieval`: `image` (pixels -> cross-attention
keys/values of every text layer) and `cam` (keys/values + phrases -> ITM score and per-token GradCAM),
see core/fusion_cam.py. The forward passes are written here over the Hugging Face modules' weights
(so that the image-side part can be split off and the ViT's attention fused); the parity tests check
them against the Hugging Face model's own forward."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..core.fusion_cam import FusionCamSpec, fusion_gradcam, gather_kv, image_kv
from .model import default_cam_layer

# Hugging Face's additive mask is the dtype's minimum; any large negative gives probability 0 in float32
MASK_VALUE = float(torch.finfo(torch.float32).min)


def cam_spec(model, cam_layer: int | None = None) -> FusionCamSpec:
    text = model.config.text_config
    vision = model.config.vision_config
    layers = text.num_hidden_layers
    layer = default_cam_layer(layers) if cam_layer is None else cam_layer
    if not 0 <= layer < layers:
        raise ValueError(f"--layer {layer} is not a text-encoder layer (0..{layers - 1})")
    grid = vision.image_size // vision.patch_size
    return FusionCamSpec(num_heads=text.num_attention_heads, head_dim=text.hidden_size // text.num_attention_heads,
                         cross_layers=tuple(range(layers)), cam_layer=layer, grid=(grid, grid), mask_value=MASK_VALUE)


def vision_forward(vision_model: nn.Module, pixel_values: torch.Tensor, fused: bool) -> torch.Tensor:
    """BlipVisionModel(pixel_values).last_hidden_state, with optionally one fused attention call per layer."""
    h = vision_model.embeddings(pixel_values)
    for layer in vision_model.encoder.layers:
        attn = layer.self_attn
        x = layer.layer_norm1(h)
        b, n, c = x.shape
        qkv = attn.qkv(x).reshape(b, n, 3, attn.num_heads, c // attn.num_heads).permute(2, 0, 3, 1, 4)
        if fused:
            context = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], scale=attn.scale)
        else:
            context = torch.matmul((torch.matmul(qkv[0], qkv[1].transpose(-1, -2)) * attn.scale).softmax(dim=-1), qkv[2])
        h = attn.projection(context.transpose(1, 2).reshape(b, n, c)) + h
        h = layer.mlp(layer.layer_norm2(h)) + h
    return vision_model.post_layernorm(h)


class BlipImageGraph(nn.Module):
    """pixel_values [I, 3, S, S] -> cross_k_<l>, cross_v_<l> [I, H, N, d] for every text layer l (all cross-attend)."""

    def __init__(self, model, spec: FusionCamSpec, fused_attention: bool = False):
        super().__init__()
        self.vision_model = model.vision_model
        self.layers = model.text_encoder.encoder.layer
        self.spec = spec
        self.fused_attention = fused_attention

    def forward(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return image_kv(self.layers, self.spec, vision_forward(self.vision_model, pixel_values, self.fused_attention))


class BlipCam:
    """(cross_k_<l>, cross_v_<l> for each layer, image_index, input_ids, attention_mask) -> score [B], cam [B, T, gh, gw].
    `input_ids` start with [ENC] (LAVIS's swap of the first token), which the evaluator applies."""

    def __init__(self, model, spec: FusionCamSpec):
        self.model = model
        self.spec = spec

    def __call__(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        *kv, image_index, input_ids, attention_mask = inputs
        text = self.model.text_encoder
        emb = text.embeddings
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        hidden = emb.LayerNorm(emb.word_embeddings(input_ids) + emb.position_embeddings(positions))
        itm = self.model.itm_head
        return fusion_gradcam(text.encoder.layer, hidden, attention_mask, gather_kv(kv, image_index),
                              lambda cls: itm(cls)[:, 1], self.spec)
