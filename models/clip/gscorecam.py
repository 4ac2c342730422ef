"""gScoreCAM for CLIP ResNets (Chen et al., ACCV 2022): the graphs the evaluator orchestrates, and a
pure-PyTorch reference that computes it the way the gScoreCAM repository does (hooks + backward).

gScoreCAM for one (image, phrase), reading the activations A [C, h, w] of `visual.layer4[-1]`:
1. gradient of the CLIP logit (logit_scale * cos(image, text)) with respect to A; channel importance
   = spatial mean of that gradient (signed);
2. the `topk` (300) channels of highest importance;
3. each selected channel, upsampled to the input size (bilinear, align_corners=True: torch's
   UpsamplingBilinear2d) and min-max normalised (`(u - min) / (max - min + 1e-6)`), masks the
   normalised input image (`pixel_values * mask`, all three colour channels); the CLIP logit of each
   masked image with the phrase is that channel's score;
4. weights = softmax over all C channels of the scores, unselected channels scoring 0;
5. cam = relu(sum_c weights_c * A_c), then min-max normalised (`(x - min) / (max - min + 1e-8)`);
   the reference then resizes it to the image (bilinear), which is the evaluator's metric step.

Graphs: `image` (pixels -> A and the normalised image embedding; also used for the masked images),
`text` (token ids -> normalised text embedding), `grad` (A, image_index, text embedding -> logit,
d logit / d A, importance). The masked images' embeddings depend on (image, channel) only, not on the
phrase, so the evaluator can cache them across the phrases of an image.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .openai_model import CLIPResNet


class ClipImageGraph(nn.Module):
    """pixel_values [I, 3, S, S] -> activations [I, C, h, w] (layer4 output), image_embeds [I, E] (unit length)."""

    def __init__(self, model: CLIPResNet):
        super().__init__()
        self.visual = model.visual

    def forward(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        activations = self.visual.features(pixel_values)
        return activations, F.normalize(self.visual.attnpool(activations), dim=-1)


class ClipTextGraph(nn.Module):
    """input_ids [B, 77] -> text_embeds [B, E] (unit length)."""

    def __init__(self, model: CLIPResNet):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.model.encode_text(input_ids), dim=-1)


class ClipGrad:
    """(activations [I, C, h, w], image_index [B], text_embeds [B, E]) -> score [B] (the CLIP logit),
    grad [B, C, h, w] (d score / d activations), importance [B, C] (spatial mean of grad)."""

    def __init__(self, model: CLIPResNet):
        self.attnpool = model.visual.attnpool
        self.logit_scale = float(model.logit_scale.exp())

    def __call__(self, activations: torch.Tensor, image_index: torch.Tensor,
                 text_embeds: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        with torch.enable_grad():
            a = activations.index_select(0, image_index).detach().requires_grad_(True)
            image = F.normalize(self.attnpool(a), dim=-1)
            score = self.logit_scale * (image * text_embeds).sum(dim=-1)
            (grad,) = torch.autograd.grad(score.sum(), a)
        return score.detach(), grad, grad.mean(dim=(2, 3))


# ------------------------------------------------------------------------------------------------
# The reference: the gScoreCAM repository's GScoreCAM.get_cam_weights + BaseCAM, in PyTorch.


def normalize_min_max(x: torch.Tensor, eps: float) -> torch.Tensor:
    return (x - x.min()) / (x.max() - x.min() + eps)


def channel_masks(activations: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """[C, h, w] -> [C, H, W]: upsampled (bilinear, align_corners=True) and min-max normalised per channel."""
    up = F.interpolate(activations[None], size=size, mode="bilinear", align_corners=True)[0]
    flat = up.flatten(1)
    mins, maxs = flat.min(dim=1).values[:, None, None], flat.max(dim=1).values[:, None, None]
    return (up - mins) / (maxs - mins + 1e-6)


@torch.no_grad()
def _masked_scores(model: CLIPResNet, pixel_values: torch.Tensor, masks: torch.Tensor, input_ids: torch.Tensor,
                   batch: int) -> torch.Tensor:
    scores = []
    for start in range(0, masks.shape[0], batch):
        masked = pixel_values * masks[start:start + batch, None]  # [n, 3, H, W]
        logits_per_image, _ = model(masked, input_ids)
        scores.append(logits_per_image[:, 0])
    return torch.nan_to_num(torch.cat(scores), nan=0.0)


def gscorecam_reference(model: CLIPResNet, pixel_values: torch.Tensor, input_ids: torch.Tensor, topk: int = 300,
                        batch: int = 128) -> dict[str, torch.Tensor]:
    """One image [1, 3, H, W] and one phrase [1, 77]: every intermediate of gScoreCAM and the CAM grid."""
    store: dict[str, torch.Tensor] = {}

    def keep(module, inputs, output):
        store["activations"] = output.detach()
        output.register_hook(lambda grad: store.__setitem__("grads", grad.detach()))

    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(True)
    handle = model.visual.layer4[-1].register_forward_hook(keep)
    try:
        logits_per_image, logits_per_text = model(pixel_values, input_ids)
        model.zero_grad()
        logits_per_text[:, 0].sum().backward()
    finally:
        handle.remove()
        model.zero_grad(set_to_none=True)
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
    activations, grads = store["activations"][0], store["grads"][0]  # [C, h, w]
    importance = grads.mean(dim=(1, 2))
    k = min(topk, importance.numel())
    indices = importance.topk(k).indices
    masks = channel_masks(activations[indices], tuple(pixel_values.shape[-2:]))
    scores = _masked_scores(model, pixel_values, masks, input_ids, batch)
    full = torch.zeros(activations.shape[0]).index_put((indices,), scores)
    weights = full.softmax(dim=0)
    cam = torch.relu((weights[:, None, None] * activations).sum(dim=0))
    return {"score": logits_per_image[0, 0].detach(), "activations": activations, "grad": grads,
            "importance": importance, "indices": indices, "masked_scores": scores, "weights": weights,
            "cam_raw": cam, "cam": normalize_min_max(cam, 1e-8)}


def top_channels(importance: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of the k largest importances, largest first (ties: lower index first)."""
    order = sorted(range(importance.numel()), key=lambda c: (-float(importance[c]), c))
    return torch.tensor(order[:k], dtype=torch.long)


def gscorecam_from_graphs(run_image, run_text, run_grad, pixel_values: torch.Tensor, input_ids: torch.Tensor, topk: int,
                          logit_scale: float, batch: int = 32) -> dict[str, torch.Tensor]:
    """gScoreCAM orchestrated over the exported graphs, step by step as the evaluator does it (see the
    module docstring). `run_image(pixels) -> (activations, image_embeds)`, `run_text(ids) -> text_embeds`,
    `run_grad(activations, image_index, text_embeds) -> (score, grad, importance)`, all on tensors."""
    activations, _ = run_image(pixel_values)
    text = run_text(input_ids)
    score, _, importance = run_grad(activations, torch.tensor([0]), text)
    indices = top_channels(importance[0], min(topk, importance.shape[1]))
    masks = channel_masks(activations[0, indices], tuple(pixel_values.shape[-2:]))
    scores = []
    for start in range(0, len(indices), batch):
        _, embeds = run_image(pixel_values * masks[start:start + batch, None])
        scores.append(logit_scale * embeds @ text[0])
    scores = torch.nan_to_num(torch.cat(scores), nan=0.0)
    weights = torch.zeros(activations.shape[1]).index_put((indices,), scores).softmax(dim=0)
    cam = torch.relu((weights[:, None, None] * activations[0]).sum(dim=0))
    return {"score": score[0], "importance": importance[0], "indices": indices, "masked_scores": scores,
            "weights": weights, "cam_raw": cam, "cam": normalize_min_max(cam, 1e-8)}
