"""Attention-GradCAM for BERT-style fusion encoders (ALBEF, ALBEF-AMC, BLIP ITM), split into the
part that depends on the image only and the part run per phrase.

The text encoder's layers are modules with the attribute names that ALBEF's xbert and Hugging Face's
BLIP text model share: `attention.self.{query,key,value}`, `attention.output`, `crossattention.*`,
`intermediate`, `output`.

Reference (ALBEF Grounding.py `val`, gradcam_mode 'itm'; LAVIS `compute_gradcam`): run the fusion
encoder, take the ITM logit of the match class summed over the batch, back-propagate, read the
cross-attention probabilities A of layer `block_num` (after softmax, before dropout) and their
gradient G, and form `mean over heads of A[..., 1:] * clamp(G[..., 1:], min=0)`, times the text
attention mask, on the patch grid (the image CLS column dropped).

What is split off and why it is exact:
- The keys and values of every cross-attention layer are linear in the image tokens only, so the
  image graph computes them once per image (`image_kv`) and the CAM graph gathers them per phrase.
- The gradient is taken with respect to the attention probabilities of the CAM layer only; nothing
  image-side (nor any parameter) needs a gradient, so the keys and values enter as constants.
- When the CAM layer is not the last, the last layer's output is read at the first (CLS) position
  only, so that layer runs its queries, feed-forward and output for that position alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import torch
from torch import nn


@dataclass(frozen=True)
class FusionCamSpec:
    num_heads: int
    head_dim: int
    cross_layers: tuple[int, ...]  # text-encoder layers with cross-attention, in the order of the kv stack
    cam_layer: int
    grid: tuple[int, int]  # patch grid (gh, gw); the image tokens are [CLS] + gh*gw patches
    mask_value: float  # additive bias on padded text positions
    cls_only_last: bool = True

    def __post_init__(self) -> None:
        if self.cam_layer not in self.cross_layers:
            raise ValueError(f"CAM layer {self.cam_layer} has no cross-attention (fusion layers: {list(self.cross_layers)})")


def split_heads(x: torch.Tensor, num_heads: int, head_dim: int) -> torch.Tensor:
    """[B, N, H*d] -> [B, H, N, d]"""
    return x.reshape(x.shape[0], x.shape[1], num_heads, head_dim).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """[B, H, N, d] -> [B, N, H*d]"""
    x = x.transpose(1, 2)
    return x.reshape(x.shape[0], x.shape[1], x.shape[2] * x.shape[3])


def kv_names(spec: FusionCamSpec) -> list[str]:
    """Graph names of the per-layer keys and values: cross_k_<layer>, cross_v_<layer>, layer by layer."""
    return [f"cross_{kind}_{layer}" for layer in spec.cross_layers for kind in ("k", "v")]


def image_kv(layers: Sequence[nn.Module], spec: FusionCamSpec, image_embeds: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Cross-attention keys and values of every fusion layer, in `kv_names` order: keys transposed,
    [I, H, d, N] (so that the per-phrase graph multiplies by them without transposing copies of them),
    values [I, H, N, d]. One tensor per layer rather than one stack: slicing a stack per layer would
    copy it in the graph."""
    out = []
    for index in spec.cross_layers:
        attn = layers[index].crossattention.self
        out.append(split_heads(attn.key(image_embeds), spec.num_heads, spec.head_dim).transpose(-1, -2))
        out.append(split_heads(attn.value(image_embeds), spec.num_heads, spec.head_dim))
    return tuple(out)


def gather_kv(kv: Sequence[torch.Tensor], image_index: torch.Tensor) -> list[torch.Tensor]:
    """Per-phrase keys/values: each [I, ...] indexed by image_index [B] -> [B, ...]."""
    return [t.index_select(0, image_index) for t in kv]


def _attention_probs(query: torch.Tensor, key_t: torch.Tensor, bias: torch.Tensor | None, head_dim: int) -> torch.Tensor:
    """softmax(q k^T / sqrt(d) + bias), `key_t` = k^T [..., d, N]."""
    scores = torch.matmul(query, key_t) / math.sqrt(head_dim)
    if bias is not None:
        scores = scores + bias
    return scores.softmax(dim=-1)


def _self_attention(block: nn.Module, h_query: torch.Tensor, h: torch.Tensor, bias: torch.Tensor,
                    spec: FusionCamSpec) -> torch.Tensor:
    attn = block.self
    q = split_heads(attn.query(h_query), spec.num_heads, spec.head_dim)
    k = split_heads(attn.key(h), spec.num_heads, spec.head_dim)
    v = split_heads(attn.value(h), spec.num_heads, spec.head_dim)
    context = torch.matmul(_attention_probs(q, k.transpose(-1, -2), bias, spec.head_dim), v)
    return block.output(merge_heads(context), h_query)


def fusion_gradcam(layers: Sequence[nn.Module], hidden: torch.Tensor, attention_mask: torch.Tensor,
                   kv: Sequence[torch.Tensor], score_fn: Callable[[torch.Tensor], torch.Tensor],
                   spec: FusionCamSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """Run the text encoder over `hidden` (the embedding output [B, T, D]) against per-phrase image
    keys/values (`kv_names` order: keys [B, H, d, N], values [B, H, N, d]); return the score [B] and
    the CAM [B, T, gh, gw].

    `score_fn` maps the last layer's first-position state [B, D] to the score [B]."""
    bias = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * spec.mask_value
    cross_slot = {layer: slot for slot, layer in enumerate(spec.cross_layers)}
    last = len(layers) - 1
    cam_probs = leaf = None
    with torch.enable_grad():
        h = hidden
        for index, layer in enumerate(layers):
            cls_only = spec.cls_only_last and index == last and spec.cam_layer < last
            h = _self_attention(layer.attention, h[:, :1] if cls_only else h, h, bias, spec)
            if index in cross_slot:
                slot = cross_slot[index]
                block = layer.crossattention
                q = split_heads(block.self.query(h), spec.num_heads, spec.head_dim)
                probs = _attention_probs(q, kv[2 * slot], None, spec.head_dim)  # image tokens are never padded
                if index == spec.cam_layer:
                    cam_probs = probs
                    leaf = probs.detach().requires_grad_(True)
                    probs = leaf
                h = block.output(merge_heads(torch.matmul(probs, kv[2 * slot + 1])), h)
            h = layer.output(layer.intermediate(h), h)
        score = score_fn(h[:, 0])
        (grad,) = torch.autograd.grad(score.sum(), leaf)
    weights = grad[..., 1:].clamp(min=0)
    cam = (cam_probs.detach()[..., 1:] * weights).mean(dim=1)  # [B, T, gh*gw]
    cam = cam * attention_mask[:, :, None].to(cam.dtype)
    gh, gw = spec.grid
    return score.detach(), cam.reshape(cam.shape[0], cam.shape[1], gh, gw)
