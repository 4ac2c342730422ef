"""Random weights for benchmarks and tests, the same for every family: Hugging Face's own initialisers
are not meant for inference (BLIP's vision config initialises with std 1e-10, which makes every image
look alike), so weights are drawn as BERT/ViT training starts: truncated normal(0, 0.02)."""

from __future__ import annotations

import torch
from torch import nn

_LAYERS = (nn.Linear, nn.Conv2d, nn.Embedding, nn.LayerNorm, nn.BatchNorm2d, nn.GroupNorm)


@torch.no_grad()
def init_random(model: nn.Module, seed: int, std: float = 0.02) -> nn.Module:
    gen = torch.Generator().manual_seed(seed)

    def normal(t: torch.Tensor) -> None:
        t.copy_(torch.randn(t.shape, generator=gen).clamp_(-2, 2) * std)

    for module in model.modules():
        if isinstance(module, (nn.LayerNorm, nn.BatchNorm2d, nn.GroupNorm)):
            if module.weight is not None:
                module.weight.fill_(1.0)
                module.bias.zero_()
            if isinstance(module, nn.BatchNorm2d):
                # running statistics as a trained network has them, so that eval-mode BN is not the identity
                module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=gen) * 0.1)
                module.running_var.copy_(torch.rand(module.running_var.shape, generator=gen) + 0.5)
        elif isinstance(module, _LAYERS):
            normal(module.weight)
            if getattr(module, "bias", None) is not None:
                module.bias.zero_()
        else:
            for name, param in module.named_parameters(recurse=False):
                if param.dim() >= 1 and param.numel() > 1:
                    normal(param)
    return model
