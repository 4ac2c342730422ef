"""CLIP with the ModifiedResNet image encoder (Radford et al. 2021), in OpenAI's checkpoint layout
(`visual.layer4.7.conv3.weight`, `transformer.resblocks.0.attn.in_proj_weight`, ...), written for this
project: RN50x16 for gScoreCAM (the paper's setting) and tiny versions for tests.

Behaviour follows OpenAI's `clip/model.py`: a three-convolution stem with average pooling, bottleneck
blocks whose strided convolutions are replaced by an average pool, an attention-pooling head (query:
the mean token), and a causal text transformer read at the end-of-text token (the highest id).
Computation is float32 (OpenAI's released weights are float16; `clip.load` on CPU converts to float32
as well).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from ..core.config import ConfigDict


@dataclass
class ClipResNetConfig(ConfigDict):
    """Defaults: RN50x16 (OpenAI's `build_model` reads the same numbers off the state dict)."""

    LABEL = "CLIP"

    embed_dim: int = 768
    image_size: int = 384
    vision_layers: list[int] = field(default_factory=lambda: [6, 8, 18, 8])
    vision_width: int = 96
    vision_heads: int | None = None  # default width * 32 // 64, as OpenAI
    context_length: int = 77
    vocab_size: int = 49408
    text_width: int = 768
    text_heads: int = 12
    text_layers: int = 12

    def __post_init__(self) -> None:
        if self.vision_heads is None:
            self.vision_heads = self.vision_width * 32 // 64
        if self.image_size % 32:
            raise ValueError(f"image_size {self.image_size} must be a multiple of 32")

    @property
    def channels(self) -> int:
        return self.vision_width * 32

    @property
    def grid(self) -> int:
        return self.image_size // 32


PRESETS: dict[str, dict] = {
    "rn50x16": {},
    "rn-tiny": dict(embed_dim=32, image_size=96, vision_layers=[1, 1, 1, 1], vision_width=2, vision_heads=2,
                    vocab_size=530, text_width=32, text_heads=2, text_layers=2),
}


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.avgpool = nn.AvgPool2d(stride) if stride > 1 else nn.Identity()
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.downsample = None
        if stride > 1 or inplanes != planes * self.expansion:
            self.downsample = nn.Sequential(OrderedDict([
                ("-1", nn.AvgPool2d(stride)),
                ("0", nn.Conv2d(inplanes, planes * self.expansion, 1, stride=1, bias=False)),
                ("1", nn.BatchNorm2d(planes * self.expansion)),
            ]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(self.avgpool(out)))
        identity = x if self.downsample is None else self.downsample(x)
        return F.relu(out + identity)


class AttentionPool2d(nn.Module):
    """Multi-head attention of the mean token (query) over [mean, positions] (keys and values)."""

    def __init__(self, spatial: int, embed_dim: int, num_heads: int, output_dim: int):
        super().__init__()
        self.positional_embedding = nn.Parameter(torch.randn(spatial ** 2 + 1, embed_dim) / embed_dim ** 0.5)
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.c_proj = nn.Linear(embed_dim, output_dim)
        self.num_heads = num_heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[0], x.shape[1]
        x = x.flatten(start_dim=2).transpose(1, 2)  # [B, HW, C]
        x = torch.cat([x.mean(dim=1, keepdim=True), x], dim=1) + self.positional_embedding
        heads, dim = self.num_heads, c // self.num_heads
        q = self.q_proj(x[:, :1]).reshape(b, 1, heads, dim).transpose(1, 2)
        k = self.k_proj(x).reshape(b, -1, heads, dim).transpose(1, 2)
        v = self.v_proj(x).reshape(b, -1, heads, dim).transpose(1, 2)
        attn = (torch.matmul(q, k.transpose(-1, -2)) * dim ** -0.5).softmax(dim=-1)
        out = torch.matmul(attn, v).transpose(1, 2).reshape(b, c)
        return self.c_proj(out)


class ModifiedResNet(nn.Module):
    def __init__(self, cfg: ClipResNetConfig):
        super().__init__()
        width = cfg.vision_width
        self.conv1 = nn.Conv2d(3, width // 2, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width // 2)
        self.conv2 = nn.Conv2d(width // 2, width // 2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width // 2)
        self.conv3 = nn.Conv2d(width // 2, width, kernel_size=3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width)
        self.avgpool = nn.AvgPool2d(2)
        self._inplanes = width
        self.layer1 = self._make_layer(width, cfg.vision_layers[0])
        self.layer2 = self._make_layer(width * 2, cfg.vision_layers[1], stride=2)
        self.layer3 = self._make_layer(width * 4, cfg.vision_layers[2], stride=2)
        self.layer4 = self._make_layer(width * 8, cfg.vision_layers[3], stride=2)
        self.attnpool = AttentionPool2d(cfg.grid, cfg.channels, cfg.vision_heads, cfg.embed_dim)

    def _make_layer(self, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:
        layers = [Bottleneck(self._inplanes, planes, stride)]
        self._inplanes = planes * Bottleneck.expansion
        layers += [Bottleneck(self._inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """pixels -> the output of layer4 [B, 32*width, S/32, S/32] (gScoreCAM's target layer, layer4[-1])."""
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.relu(self.bn3(self.conv3(x)))
        x = self.avgpool(x)
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.attnpool(self.features(x))


class TextAttention(nn.Module):
    """Causal multi-head self-attention with nn.MultiheadAttention's parameter names."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * width))
        self.out_proj = nn.Linear(width, width)
        self.num_heads = heads
        nn.init.xavier_uniform_(self.in_proj_weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        dim = w // self.num_heads
        q, k, v = F.linear(x, self.in_proj_weight, self.in_proj_bias).reshape(b, t, 3, self.num_heads, dim).permute(2, 0, 3, 1, 4)
        scores = torch.matmul(q, k.transpose(-1, -2)) * dim ** -0.5
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        attn = scores.masked_fill(causal, float("-inf")).softmax(dim=-1)
        return self.out_proj(torch.matmul(attn, v).transpose(1, 2).reshape(b, t, w))


class QuickGELU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.attn = TextAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)), ("gelu", QuickGELU()), ("c_proj", nn.Linear(width * 4, width))]))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.resblocks(x)


class CLIPResNet(nn.Module):
    def __init__(self, cfg: ClipResNetConfig):
        super().__init__()
        self.config = cfg
        self.visual = ModifiedResNet(cfg)
        self.transformer = Transformer(cfg.text_width, cfg.text_layers, cfg.text_heads)
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.text_width)
        self.positional_embedding = nn.Parameter(torch.empty(cfg.context_length, cfg.text_width))
        self.ln_final = nn.LayerNorm(cfg.text_width)
        self.text_projection = nn.Parameter(torch.empty(cfg.text_width, cfg.embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * torch.log(torch.tensor(1 / 0.07)))
        nn.init.normal_(self.positional_embedding, std=0.01)
        nn.init.normal_(self.text_projection, std=cfg.text_width ** -0.5)

    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.visual(pixel_values)

    def encode_text(self, input_ids: torch.Tensor) -> torch.Tensor:
        """[B, context_length] ids -> [B, embed_dim], read at the end-of-text token (the highest id)."""
        x = self.token_embedding(input_ids) + self.positional_embedding
        x = self.ln_final(self.transformer(x))
        eot = input_ids.argmax(dim=-1)
        return x[torch.arange(x.shape[0], device=x.device), eot] @ self.text_projection

    def forward(self, pixel_values: torch.Tensor, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits_per_image, logits_per_text), as OpenAI's CLIP.forward."""
        image = F.normalize(self.encode_image(pixel_values), dim=-1)
        text = F.normalize(self.encode_text(input_ids), dim=-1)
        logits_per_image = self.logit_scale.exp() * image @ text.t()
        return logits_per_image, logits_per_image.t()
