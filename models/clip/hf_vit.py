"""GradCAM for Hugging Face CLIP ViT checkpoints (`CLIPModel`, e.g. openai/clip-vit-base-patch16).

As pytorch-grad-cam applies GradCAM to vision transformers: the target is the first LayerNorm of a
vision block (`vision_model.encoder.layers[N].layer_norm1`; default the last block, as
pytorch-grad-cam's ViT recipe `blocks[-1].norm1`), its output A [N+1, D] reshaped to a patch grid with
the CLS token dropped; channel weights = spatial mean of d score / d A; cam = relu(sum_d w_d A_d).
The score is the CLIP logit, logit_scale * cos(image, text). (The output of the last block itself
would be useless: the image embedding reads its CLS token only, so patch gradients there are zero.)

Graphs: `image` (pixels -> hidden states entering block N, [I, N+1, D]) and `cam` (hidden states,
image_index, phrase tokens -> score [B], cam [B, 1, gh, gw], relu'd, not normalised). The text
encoder runs inside the CAM graph. The forward passes are written here over the Hugging Face
modules' weights; the parity tests check them against the Hugging Face model.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..core.checkpoint import CheckpointError, sha256_of
from ..core.random_init import init_random

_MASKED = float(torch.finfo(torch.float32).min)

PRESETS: dict[str, dict] = {
    # openai/clip-vit-base-patch16
    "vit-b16": {"text_config": dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_hidden_layers=12,
                                    num_attention_heads=8, max_position_embeddings=77, bos_token_id=49406,
                                    eos_token_id=49407, pad_token_id=49407),
                "vision_config": dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                      num_attention_heads=12, image_size=224, patch_size=16),
                "projection_dim": 512},
    "vit-tiny": {"text_config": dict(vocab_size=530, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                     num_attention_heads=2, max_position_embeddings=77, bos_token_id=528,
                                     eos_token_id=529, pad_token_id=529),
                 "vision_config": dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                                       image_size=32, patch_size=8),
                 "projection_dim": 16},
}


def random_clip_vit(values: dict, seed: int):
    from transformers import CLIPConfig, CLIPModel

    torch.manual_seed(seed)
    rest = {k: v for k, v in values.items() if k not in ("text_config", "vision_config")}
    config = CLIPConfig(text_config=values.get("text_config", {}), vision_config=values.get("vision_config", {}), **rest)
    model = CLIPModel(config)
    scale = float(model.logit_scale.detach())
    init_random(model, seed)
    with torch.no_grad():
        model.logit_scale.fill_(scale)
    return model.eval()


def load_clip_vit(folder: Path):
    from transformers import CLIPModel

    config = json.loads((folder / "config.json").read_text())
    if config.get("model_type") != "clip":
        raise CheckpointError(f"{folder} is not a Hugging Face CLIP checkpoint (model_type {config.get('model_type')!r})")
    weights = next((folder / n for n in ("model.safetensors", "pytorch_model.bin") if (folder / n).is_file()), None)
    if weights is None:
        raise CheckpointError(f"{folder} holds no model.safetensors or pytorch_model.bin")
    model = CLIPModel.from_pretrained(str(folder), local_files_only=True)
    return model.eval(), sha256_of(weights)


def _attention(attn: nn.Module, x_query: torch.Tensor, x: torch.Tensor, bias: torch.Tensor | None, fused: bool) -> torch.Tensor:
    b, n, d = x.shape
    heads, dim = attn.num_heads, attn.head_dim
    q = attn.q_proj(x_query).reshape(b, x_query.shape[1], heads, dim).transpose(1, 2)
    k = attn.k_proj(x).reshape(b, n, heads, dim).transpose(1, 2)
    v = attn.v_proj(x).reshape(b, n, heads, dim).transpose(1, 2)
    if fused and bias is None:
        context = F.scaled_dot_product_attention(q, k, v, scale=attn.scale)
    else:
        scores = torch.matmul(q, k.transpose(-1, -2)) * attn.scale
        if bias is not None:
            scores = scores + bias
        context = torch.matmul(scores.softmax(dim=-1), v)
    return attn.out_proj(context.transpose(1, 2).reshape(b, x_query.shape[1], d))


def encoder_layer(layer: nn.Module, h: torch.Tensor, bias: torch.Tensor | None = None, fused: bool = False) -> torch.Tensor:
    x = layer.layer_norm1(h)
    h = h + _attention(layer.self_attn, x, x, bias, fused)
    return h + layer.mlp(layer.layer_norm2(h))


def vision_hidden(vision_model: nn.Module, pixel_values: torch.Tensor, upto: int, fused: bool) -> torch.Tensor:
    """Hidden states entering vision block `upto`: [B, 1 + patches, D]."""
    h = vision_model.pre_layrnorm(vision_model.embeddings(pixel_values))
    for layer in vision_model.encoder.layers[:upto]:
        h = encoder_layer(layer, h, fused=fused)
    return h


def text_embeds(model: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Unit-length text embeddings as CLIPModel.get_text_features computes them: causal self-attention
    (padding keys masked too), final LayerNorm, the state at the end token, text projection."""
    text = model.text_model
    t = input_ids.shape[1]
    h = text.embeddings(input_ids=input_ids)
    causal = torch.ones(t, t, dtype=torch.bool, device=input_ids.device).triu(1)
    masked = causal[None, None] | (attention_mask[:, None, None, :] == 0)
    bias = torch.where(masked, torch.tensor(_MASKED), torch.tensor(0.0))
    for layer in text.encoder.layers:
        h = encoder_layer(layer, h, bias)
    h = text.final_layer_norm(h)
    eos = text.eos_token_id
    position = input_ids.argmax(dim=-1) if eos == 2 else (input_ids == eos).to(torch.int32).argmax(dim=-1)
    pooled = h[torch.arange(h.shape[0], device=h.device), position]
    return F.normalize(model.text_projection(pooled), dim=-1)


def grid_of(model) -> tuple[int, int]:
    vision = model.config.vision_config
    g = vision.image_size // vision.patch_size
    return g, g


class ClipVitImageGraph(nn.Module):
    """pixel_values [I, 3, S, S] -> hidden [I, 1 + patches, D] entering the target block."""

    def __init__(self, model, layer: int, fused_attention: bool = False):
        super().__init__()
        self.vision_model = model.vision_model
        self.layer = layer
        self.fused = fused_attention

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return vision_hidden(self.vision_model, pixel_values, self.layer, self.fused)


class ClipVitCam:
    """(hidden [I, N+1, D], image_index [B], input_ids [B, T], attention_mask [B, T]) -> score [B], cam [B, 1, gh, gw]."""

    def __init__(self, model, layer: int):
        self.model = model
        self.layer = layer
        self.logit_scale = float(model.logit_scale.exp())
        self.grid = grid_of(model)

    def __call__(self, hidden: torch.Tensor, image_index: torch.Tensor, input_ids: torch.Tensor,
                 attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        vision = self.model.vision_model
        layers = vision.encoder.layers
        text = text_embeds(self.model, input_ids, attention_mask)
        h = hidden.index_select(0, image_index)
        last = len(layers) - 1
        with torch.enable_grad():
            target = layers[self.layer]
            a = target.layer_norm1(h).detach().requires_grad_(True)
            # the image embedding reads the CLS state of the last block only: there, queries of CLS alone
            if self.layer == last:
                h = h[:, :1] + _attention(target.self_attn, a[:, :1], a, None, False)
            else:
                h = h + _attention(target.self_attn, a, a, None, False)
            h = h + target.mlp(target.layer_norm2(h))
            for index in range(self.layer + 1, len(layers)):
                layer = layers[index]
                x = layer.layer_norm1(h)
                if index == last:
                    h = h[:, :1] + _attention(layer.self_attn, x[:, :1], x, None, False)
                else:
                    h = h + _attention(layer.self_attn, x, x, None, False)
                h = h + layer.mlp(layer.layer_norm2(h))
            image = F.normalize(self.model.visual_projection(vision.post_layernorm(h[:, 0])), dim=-1)
            score = self.logit_scale * (image * text).sum(dim=-1)
            (grad,) = torch.autograd.grad(score.sum(), a)
        weights = grad[:, 1:].mean(dim=1)  # [B, D]: spatial mean of the gradient
        cam = torch.relu((a.detach()[:, 1:] * weights[:, None, :]).sum(dim=-1))
        gh, gw = self.grid
        return score.detach(), cam.reshape(cam.shape[0], 1, gh, gw)


def clip_vit_reference_gradcam(model, pixel_values: torch.Tensor, input_ids: torch.Tensor,
                               attention_mask: torch.Tensor, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
    """pytorch-grad-cam's GradCAM on the Hugging Face model for B (image, phrase) pairs: hooks on the
    target LayerNorm, the CLIP logit of each pair back-propagated, reshape_transform dropping CLS."""
    store: dict[str, torch.Tensor] = {}

    def keep(module, inputs, output):
        store["act"] = output.detach()
        output.register_hook(lambda grad: store.__setitem__("grad", grad.detach()))

    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(True)
    handle = model.vision_model.encoder.layers[layer].layer_norm1.register_forward_hook(keep)
    try:
        logits = model(input_ids=input_ids, pixel_values=pixel_values, attention_mask=attention_mask).logits_per_image
        score = logits.diagonal()
        model.zero_grad()
        score.sum().backward()
    finally:
        handle.remove()
        model.zero_grad(set_to_none=True)
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
    gh, gw = grid_of(model)

    def reshape_transform(t: torch.Tensor) -> torch.Tensor:  # [B, 1+hw, D] -> [B, D, h, w]
        return t[:, 1:, :].reshape(t.shape[0], gh, gw, t.shape[2]).permute(0, 3, 1, 2)

    acts, grads = reshape_transform(store["act"]), reshape_transform(store["grad"])
    weights = grads.mean(dim=(2, 3))
    cam = torch.relu((weights[:, :, None, None] * acts).sum(dim=1))
    return score.detach(), cam[:, None]
