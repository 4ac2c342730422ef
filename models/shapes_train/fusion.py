"""ALBEF's fusion pass for training: the ITM logits of (image, phrase) pairs and the attention-GradCAM
of the CAM layer as a differentiable function of the weights (`create_graph=True`), so that a loss on
the map can train the model.

The map is the one the exported CAM graph computes (models/core/fusion_cam.py, ALBEF Grounding.py):
`mean over heads(attn * relu(d score / d attn))` on the patch tokens of the CAM layer's cross-attention,
score = ITM logit of the match class; then averaged over the phrase's tokens (the evaluator's token
rule `all`: every unpadded position, [CLS] and [SEP] included).

For speed the pairs are grouped by image: the cross-attention keys and values are computed once per
image, and the text tokens of all the pairs of an image form one query sequence against them (each
query token attends over the image tokens on its own, so this is the same arithmetic as one pair at a
time), which replaces many tiny matrix products and a per-pair copy of the keys and values.
"""

from __future__ import annotations

import contextlib
import math

import torch

from ..albef.model import ALBEF, attention_bias


def _heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """[B, N, H*d] -> [B, H, N, d]"""
    b, n, width = x.shape
    return x.view(b, n, heads, width // heads).transpose(1, 2)


def image_keys_values(model: ALBEF, image_embeds: torch.Tensor) -> dict[int, tuple[torch.Tensor, torch.Tensor]]:
    """Cross-attention keys and values [I, H, N, d] of every fusion layer, from the image tokens."""
    heads = model.config.text_heads
    out = {}
    for index in model.config.fusion_layers:
        attn = model.text_encoder.encoder.layer[index].crossattention.self
        out[index] = (_heads(attn.key(image_embeds), heads), _heads(attn.value(image_embeds), heads))
    return out


def group_by_image(image_index: torch.Tensor, n_images: int) -> tuple[torch.Tensor, int]:
    """rows [B]: the row of each pair in an [n_images * P] layout (image-major, P = most pairs of an image)."""
    counts = torch.bincount(image_index, minlength=n_images)
    per_image = int(counts.max()) if len(image_index) else 1
    order = torch.argsort(image_index, stable=True)
    starts = torch.cumsum(counts, 0) - counts
    rank = torch.empty_like(image_index)
    rank[order] = torch.arange(len(image_index)) - starts[image_index[order]]
    return image_index * per_image + rank, per_image


def fuse(model: ALBEF, kv: dict[int, tuple[torch.Tensor, torch.Tensor]], image_index: torch.Tensor,
         input_ids: torch.Tensor, attention_mask: torch.Tensor, cam_layer: int | None = None,
         create_graph: bool = False, with_attention: bool = False):
    """ITM logits [B, 2] of the pairs (image image_index[b], phrase b), and, if `cam_layer` is given,
    the token-averaged attention-GradCAM [B, gh, gw] of that layer (differentiable if create_graph).
    With `with_attention`, also that layer's cross-attention on the patches, averaged over heads and
    the phrase's tokens [B, gh, gw] (a third result)."""
    with torch.enable_grad() if cam_layer is not None else contextlib.nullcontext():
        logits, cam, attention = _fuse(model, kv, image_index, input_ids, attention_mask, cam_layer, create_graph,
                                       with_attention)
    return (logits, cam, attention) if with_attention else (logits, cam)


def _token_mean(x: torch.Tensor, n_rows: int, length: int, rows: torch.Tensor, attention_mask: torch.Tensor,
                grid: int) -> torch.Tensor:
    """[I, P*T, patches] in the grouped layout -> [B, gh, gw], the mean over each phrase's tokens."""
    x = x.reshape(n_rows, length, -1)[rows]
    m = attention_mask.to(x.dtype)
    x = (x * m[:, :, None]).sum(dim=1) / m.sum(dim=1, keepdim=True)
    return x.view(x.shape[0], grid, grid)


def _fuse(model, kv, image_index, input_ids, attention_mask, cam_layer, create_graph, with_attention):
    cfg = model.config
    heads, head_dim = cfg.text_heads, cfg.text_width // cfg.text_heads
    n_images = next(iter(kv.values()))[0].shape[0]
    rows, per_image = group_by_image(image_index, n_images)
    length = input_ids.shape[1]
    # the grouped layout; empty slots hold a one-token phrase ([CLS]) and are dropped at the end
    ids = torch.full((n_images * per_image, length), int(input_ids[0, 0]), dtype=input_ids.dtype)
    mask = torch.zeros((n_images * per_image, length), dtype=attention_mask.dtype)
    mask[:, 0] = 1
    ids[rows], mask[rows] = input_ids, attention_mask
    text = model.text_encoder
    x = text.embeddings(ids)
    bias = attention_bias(mask, x.dtype)
    cam_probs = None
    for index, layer in enumerate(text.encoder.layer):
        x = layer.attention(x, bias)
        if layer.has_cross_attention:
            keys, values = kv[index]
            block = layer.crossattention
            q = _heads(block.self.query(x).reshape(n_images, per_image * length, -1), heads)  # [I, H, P*T, d]
            probs = (q @ keys.transpose(-1, -2) / math.sqrt(head_dim)).softmax(dim=-1)
            if index == cam_layer:
                if not create_graph:  # only d score / d attn is wanted: start the backward here
                    probs = probs.detach().requires_grad_(True)
                cam_probs = probs
            context = (probs @ values).transpose(1, 2).reshape(x.shape)
            x = block.output(context, x)
        x = layer.output(layer.intermediate(x), x)
    logits = model.itm_head(x[rows, 0])
    if cam_layer is None:
        return logits, None, None
    if cam_probs is None:
        raise ValueError(f"layer {cam_layer} has no cross-attention")
    (grad,) = torch.autograd.grad(logits[:, 1].sum(), cam_probs, create_graph=create_graph)
    n_rows = n_images * per_image
    cam = _token_mean((cam_probs[..., 1:] * grad[..., 1:].clamp(min=0)).mean(dim=1), n_rows, length, rows,
                      attention_mask, cfg.grid)
    attention = None
    if with_attention:
        attention = _token_mean(cam_probs[..., 1:].mean(dim=1), n_rows, length, rows, attention_mask, cfg.grid)
    if not create_graph:
        logits, cam = logits.detach(), cam.detach()
        attention = attention.detach() if attention is not None else None
    return logits, cam, attention
