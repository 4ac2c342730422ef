"""ALBEF module definitions (Li et al., "Align before Fuse", NeurIPS 2021).

The modules are the project's own, written so that their state-dict keys are those of the official
ALBEF checkpoints (`visual_encoder.*`, `text_encoder.*`, `itm_head.*`, ...): a ViT image encoder, a
BERT text encoder whose layers from `fusion_layer` on add cross-attention to the image tokens, and
the image-text matching (ITM) head. Every size is configurable (`AlbefConfig`), so the same code
serves the released base checkpoints, tiny test models, and models trained by this project.

Behaviour follows ALBEF's `models/vit.py` and `models/xbert.py`: exact (erf) GELU, LayerNorm eps 1e-6
in the ViT and 1e-12 in BERT, attention scores `q·k / sqrt(d)` plus an additive mask of -10000 on
padding, and `save_attention` on the cross-attention of a layer, which keeps the attention
probabilities (after softmax, before dropout) and their gradient, as ALBEF's `Grounding.py` reads them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..core.config import ConfigDict

# Additive attention mask on padding positions, as ALBEF's xbert `get_extended_attention_mask`.
MASK_VALUE = -10000.0


@dataclass
class AlbefConfig(ConfigDict):
    """Every size of the architecture. Defaults are ALBEF's released models (ViT-B/16 at 384,
    BERT-base with fusion from layer 6, `configs/config_bert.json` and `configs/Grounding.yaml`)."""

    LABEL = "ALBEF"

    image_size: int = 384
    patch_size: int = 16
    vision_width: int = 768
    vision_layers: int = 12
    vision_heads: int = 12
    vision_mlp_ratio: float = 4.0
    vision_eps: float = 1e-6
    text_width: int = 768
    text_layers: int = 12
    text_heads: int = 12
    text_intermediate: int = 3072
    fusion_layer: int = 6
    vocab_size: int = 30522
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    text_eps: float = 1e-12
    pad_token_id: int = 0
    embed_dim: int = 256
    temp: float = 0.07
    # training-time regularisation (ALBEF: 0.1 in BERT, none in the ViT); export runs in eval mode
    hidden_dropout: float = 0.1
    attention_dropout: float = 0.1
    vision_dropout: float = 0.0
    vision_attention_dropout: float = 0.0
    # the text-encoder layer whose cross-attention GradCAM reads (ALBEF Grounding.py: block_num 8)
    cam_layer: int = 8

    def __post_init__(self) -> None:
        if self.image_size % self.patch_size:
            raise ValueError(f"image_size {self.image_size} is not a multiple of patch_size {self.patch_size}")
        if self.vision_width % self.vision_heads or self.text_width % self.text_heads:
            raise ValueError("widths must be multiples of the head counts")
        if not 0 <= self.fusion_layer < self.text_layers:
            raise ValueError(f"fusion_layer {self.fusion_layer} must lie in [0, {self.text_layers})")
        if not self.fusion_layer <= self.cam_layer < self.text_layers:
            raise ValueError(
                f"cam_layer {self.cam_layer} must be a fusion layer: [{self.fusion_layer}, {self.text_layers})")

    @property
    def grid(self) -> int:
        return self.image_size // self.patch_size

    @property
    def fusion_layers(self) -> list[int]:
        return list(range(self.fusion_layer, self.text_layers))


# ----------------------------------------------------------------------------------------------------
# Image encoder: ViT (ALBEF models/vit.py, timm layout)


class PatchEmbed(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.proj = nn.Conv2d(3, cfg.vision_width, kernel_size=cfg.patch_size, stride=cfg.patch_size)
        self.num_patches = cfg.grid * cfg.grid

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionAttention(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.num_heads = cfg.vision_heads
        self.head_dim = cfg.vision_width // cfg.vision_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(cfg.vision_width, 3 * cfg.vision_width, bias=True)
        self.attn_drop = nn.Dropout(cfg.vision_attention_dropout)
        self.proj = nn.Linear(cfg.vision_width, cfg.vision_width)
        self.proj_drop = nn.Dropout(cfg.vision_dropout)
        # True: one fused scaled_dot_product_attention call (the same function; exports as ONNX
        # Attention from opset 23, which onnxruntime runs ~2.5x faster than MatMul/Softmax/MatMul)
        self.fused = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if self.fused:
            drop = self.attn_drop.p if self.training else 0.0
            x = F.scaled_dot_product_attention(q, k, v, dropout_p=drop, scale=self.scale)
        else:
            attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
            x = self.attn_drop(attn) @ v
        return self.proj_drop(self.proj(x.transpose(1, 2).reshape(b, n, c)))


class VisionMlp(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        hidden = int(cfg.vision_width * cfg.vision_mlp_ratio)
        self.fc1 = nn.Linear(cfg.vision_width, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, cfg.vision_width)
        self.drop = nn.Dropout(cfg.vision_dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class VisionBlock(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.vision_width, eps=cfg.vision_eps)
        self.attn = VisionAttention(cfg)
        self.norm2 = nn.LayerNorm(cfg.vision_width, eps=cfg.vision_eps)
        self.mlp = VisionMlp(cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    """pixels [B, 3, S, S] -> image tokens [B, 1 + (S/p)^2, D] (CLS first), after the final LayerNorm."""

    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.patch_embed = PatchEmbed(cfg)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.vision_width))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, cfg.vision_width))
        self.pos_drop = nn.Dropout(cfg.vision_dropout)
        self.blocks = nn.ModuleList(VisionBlock(cfg) for _ in range(cfg.vision_layers))
        self.norm = nn.LayerNorm(cfg.vision_width, eps=cfg.vision_eps)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(pixel_values)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = self.pos_drop(x + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


# ----------------------------------------------------------------------------------------------------
# Text encoder: BERT with cross-attention from `fusion_layer` (ALBEF models/xbert.py)


class BertEmbeddings(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.text_width, padding_idx=cfg.pad_token_id)
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, cfg.text_width)
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, cfg.text_width)
        self.LayerNorm = nn.LayerNorm(cfg.text_width, eps=cfg.text_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        # token type 0 everywhere, as ALBEF (its BertModel is always called without token_type_ids)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings.weight[0] + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, cfg: AlbefConfig, is_cross_attention: bool):
        super().__init__()
        self.num_attention_heads = cfg.text_heads
        self.attention_head_size = cfg.text_width // cfg.text_heads
        kv_width = cfg.vision_width if is_cross_attention else cfg.text_width
        self.query = nn.Linear(cfg.text_width, cfg.text_width)
        self.key = nn.Linear(kv_width, cfg.text_width)
        self.value = nn.Linear(kv_width, cfg.text_width)
        self.dropout = nn.Dropout(cfg.attention_dropout)
        # Grounding.py sets this on the cross-attention of `block_num`; see `save_attention_map`
        self.save_attention = False
        self.attention_map: torch.Tensor | None = None
        self.attn_gradients: torch.Tensor | None = None

    def heads(self, x: torch.Tensor) -> torch.Tensor:
        """[B, N, H*d] -> [B, H, N, d]"""
        return x.view(x.shape[0], x.shape[1], self.num_attention_heads, self.attention_head_size).transpose(1, 2)

    def save_attention_map(self, attention_map: torch.Tensor) -> None:
        self.attention_map = attention_map

    def save_attn_gradients(self, attn_gradients: torch.Tensor) -> None:
        self.attn_gradients = attn_gradients

    def get_attention_map(self) -> torch.Tensor | None:
        return self.attention_map

    def get_attn_gradients(self) -> torch.Tensor | None:
        return self.attn_gradients

    def forward(self, hidden_states: torch.Tensor, attention_bias: torch.Tensor | None,
                encoder_hidden_states: torch.Tensor | None = None) -> torch.Tensor:
        is_cross = encoder_hidden_states is not None
        source = encoder_hidden_states if is_cross else hidden_states
        q = self.heads(self.query(hidden_states))
        k = self.heads(self.key(source))
        v = self.heads(self.value(source))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        if attention_bias is not None:
            scores = scores + attention_bias
        probs = scores.softmax(dim=-1)
        if is_cross and self.save_attention:
            self.save_attention_map(probs)
            if probs.requires_grad:
                probs.register_hook(self.save_attn_gradients)
        context = torch.matmul(self.dropout(probs), v).transpose(1, 2)
        return context.reshape(context.shape[0], context.shape[1], -1)


class BertSelfOutput(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.text_width, cfg.text_width)
        self.LayerNorm = nn.LayerNorm(cfg.text_width, eps=cfg.text_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout)

    def forward(self, hidden_states: torch.Tensor, input_tensor: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, cfg: AlbefConfig, is_cross_attention: bool = False):
        super().__init__()
        self.self = BertSelfAttention(cfg, is_cross_attention)
        self.output = BertSelfOutput(cfg)

    def forward(self, hidden_states: torch.Tensor, attention_bias: torch.Tensor | None,
                encoder_hidden_states: torch.Tensor | None = None) -> torch.Tensor:
        return self.output(self.self(hidden_states, attention_bias, encoder_hidden_states), hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.text_width, cfg.text_intermediate)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden_states))


class BertOutput(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.dense = nn.Linear(cfg.text_intermediate, cfg.text_width)
        self.LayerNorm = nn.LayerNorm(cfg.text_width, eps=cfg.text_eps)
        self.dropout = nn.Dropout(cfg.hidden_dropout)

    def forward(self, hidden_states: torch.Tensor, input_tensor: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertLayer(nn.Module):
    def __init__(self, cfg: AlbefConfig, layer_num: int):
        super().__init__()
        self.layer_num = layer_num
        self.attention = BertAttention(cfg)
        self.has_cross_attention = layer_num >= cfg.fusion_layer
        if self.has_cross_attention:
            self.crossattention = BertAttention(cfg, is_cross_attention=True)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def forward(self, hidden_states: torch.Tensor, attention_bias: torch.Tensor,
                encoder_hidden_states: torch.Tensor | None = None) -> torch.Tensor:
        x = self.attention(hidden_states, attention_bias)
        if self.has_cross_attention:
            if encoder_hidden_states is None:
                raise ValueError(f"text-encoder layer {self.layer_num} is a fusion layer and needs image tokens")
            # the image tokens are never padded (ALBEF: image_atts all ones, so the mask adds zero)
            x = self.crossattention(x, None, encoder_hidden_states)
        return self.output(self.intermediate(x), x)


class BertEncoder(nn.Module):
    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(cfg, i) for i in range(cfg.text_layers))


def attention_bias(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """[B, T] of 1 (token) / 0 (padding) -> additive bias [B, 1, 1, T] (xbert get_extended_attention_mask)."""
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * MASK_VALUE


class BertModel(nn.Module):
    """ALBEF's text encoder. `mode` as xbert: 'text' runs layers [0, fusion), 'fusion' runs
    [fusion, L) on given text embeddings, 'multi_modal' runs all layers."""

    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.config = cfg
        self.embeddings = BertEmbeddings(cfg)
        self.encoder = BertEncoder(cfg)

    def forward(self, input_ids: torch.Tensor | None, attention_mask: torch.Tensor,
                encoder_hidden_states: torch.Tensor | None = None, mode: str = "multi_modal",
                encoder_embeds: torch.Tensor | None = None) -> torch.Tensor:
        cfg = self.config
        ranges = {"text": (0, cfg.fusion_layer), "fusion": (cfg.fusion_layer, cfg.text_layers),
                  "multi_modal": (0, cfg.text_layers)}
        if mode not in ranges:
            raise ValueError(f"mode must be one of {sorted(ranges)}, not {mode!r}")
        start, stop = ranges[mode]
        x = self.embeddings(input_ids) if encoder_embeds is None else encoder_embeds
        bias = attention_bias(attention_mask, x.dtype)
        for layer in self.encoder.layer[start:stop]:
            x = layer(x, bias, encoder_hidden_states)
        return x


# ----------------------------------------------------------------------------------------------------


class ALBEF(nn.Module):
    """The parts of ALBEF that grounding uses (and that training needs): image encoder, text encoder,
    ITC projections and temperature, ITM head. The momentum encoders and queues of ALBEF's training
    code are not part of it; their checkpoint keys are ignored on load."""

    def __init__(self, cfg: AlbefConfig):
        super().__init__()
        self.config = cfg
        self.visual_encoder = VisionTransformer(cfg)
        self.text_encoder = BertModel(cfg)
        self.vision_proj = nn.Linear(cfg.vision_width, cfg.embed_dim)
        self.text_proj = nn.Linear(cfg.text_width, cfg.embed_dim)
        self.temp = nn.Parameter(torch.ones([]) * cfg.temp)
        self.itm_head = nn.Linear(cfg.text_width, 2)

    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.visual_encoder(pixel_values)

    def itm_logits(self, image_embeds: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor) -> torch.Tensor:
        """[B, 2] ITM logits of each (image, text) pair, class 1 = match (ALBEF Grounding.py 'itm')."""
        fused = self.text_encoder(input_ids, attention_mask, encoder_hidden_states=image_embeds, mode="multi_modal")
        return self.itm_head(fused[:, 0, :])

    def itc_features(self, image_embeds: torch.Tensor, input_ids: torch.Tensor,
                     attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised image and text features of the contrastive (ITC) objective."""
        text = self.text_encoder(input_ids, attention_mask, mode="text")
        image_feat = F.normalize(self.vision_proj(image_embeds[:, 0, :]), dim=-1)
        text_feat = F.normalize(self.text_proj(text[:, 0, :]), dim=-1)
        return image_feat, text_feat


def init_weights(model: nn.Module, std: float = 0.02) -> None:
    """Random initialisation as ALBEF's (BERT: normal(0, 0.02); ViT: truncated normal(0.02))."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.trunc_normal_(module.weight, std=std, a=-2 * std, b=2 * std)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=std)
        elif isinstance(module, nn.LayerNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    for module in model.modules():
        if isinstance(module, VisionTransformer):
            nn.init.trunc_normal_(module.pos_embed, std=std, a=-2 * std, b=2 * std)
            nn.init.trunc_normal_(module.cls_token, std=std, a=-2 * std, b=2 * std)


PRESETS: dict[str, dict] = {
    # ALBEF's released models: ViT-B/16 at 384 px, BERT-base, fusion from layer 6, CAM at layer 8
    "base": {},
    # a few hundred kB: the test fixtures and parity tests
    "tiny": dict(image_size=32, patch_size=8, vision_width=32, vision_layers=2, vision_heads=2,
                 text_width=32, text_layers=4, text_heads=2, text_intermediate=64, fusion_layer=2,
                 vocab_size=400, max_position_embeddings=64, embed_dim=16, cam_layer=2),
}


def preset(name: str, **overrides) -> AlbefConfig:
    if name not in PRESETS:
        raise ValueError(f"unknown ALBEF preset {name!r}; presets: {', '.join(PRESETS)}")
    return AlbefConfig.from_dict({**PRESETS[name], **overrides})
