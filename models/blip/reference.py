"""GradCAM computed the way LAVIS's `compute_gradcam` computes it, on the Hugging Face model: the full
`BlipForImageTextRetrieval` forward with `use_itm_head=True`, the cross-attention probabilities of
`block_num` captured by a hook (what LAVIS's `save_attention` keeps), `loss.backward()`."""

from __future__ import annotations

import torch


class _AttentionRecorder:
    """Keeps the attention probabilities a BlipTextSelfAttention returns, and their gradient."""

    def __init__(self, module: torch.nn.Module):
        self.map = self.grad = None
        self.handle = module.register_forward_hook(self._hook)

    def _hook(self, module, inputs, output):
        probs = output[1]
        self.map = probs
        if probs.requires_grad:
            probs.register_hook(self._save_grad)

    def _save_grad(self, grad):
        self.grad = grad

    def remove(self) -> None:
        self.handle.remove()


def _gradcam(probs: torch.Tensor, grads: torch.Tensor, attention_mask: torch.Tensor, grid: int) -> torch.Tensor:
    """LAVIS: cams/grads without the image CLS column, grads clamped at 0, both times the text mask,
    multiplied, mean over heads -> [B, T, gh, gw] (its per-item `gradcams[ind].mean(0)`)."""
    b, heads = probs.shape[0], probs.shape[1]
    mask = attention_mask.view(b, 1, -1, 1, 1)
    cams = probs[:, :, :, 1:].reshape(b, heads, -1, grid, grid) * mask
    grads = grads[:, :, :, 1:].clamp(0).reshape(b, heads, -1, grid, grid) * mask
    return (cams * grads).mean(1)


def blip_reference_gradcam(model, pixel_values: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                           block_num: int) -> tuple[torch.Tensor, torch.Tensor]:
    """score [B] (ITM logit of class 1) and per-token CAM [B, T, gh, gw]; `input_ids` already carry
    [ENC] first. LAVIS then reports the [ENC] map, the word-token average and the per-token maps; the
    token rule is the evaluator's step."""
    vision = model.config.vision_config
    grid = vision.image_size // vision.patch_size
    recorder = _AttentionRecorder(model.text_encoder.encoder.layer[block_num].crossattention.self)
    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(True)
    try:
        output = model(input_ids=input_ids, pixel_values=pixel_values, attention_mask=attention_mask,
                       use_itm_head=True).itm_score
        loss = output[:, 1].sum()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            cam = _gradcam(recorder.map.detach(), recorder.grad.detach(), attention_mask, grid)
        return output[:, 1].detach(), cam
    finally:
        recorder.remove()
        model.zero_grad(set_to_none=True)
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)


def blip_reference_text_only(model, image_embeds: torch.Tensor, input_ids: torch.Tensor,
                             attention_mask: torch.Tensor, block_num: int) -> torch.Tensor:
    """The reference's text part given the image tokens (for timing against the CAM graph)."""
    vision = model.config.vision_config
    grid = vision.image_size // vision.patch_size
    recorder = _AttentionRecorder(model.text_encoder.encoder.layer[block_num].crossattention.self)
    try:
        with torch.enable_grad():
            atts = torch.ones(image_embeds.shape[:-1], dtype=torch.long)
            out = model.text_encoder(input_ids=input_ids, attention_mask=attention_mask,
                                     encoder_hidden_states=image_embeds, encoder_attention_mask=atts).last_hidden_state
            model.itm_head(out[:, 0])[:, 1].sum().backward()
        return _gradcam(recorder.map, recorder.grad, attention_mask, grid)
    finally:
        recorder.remove()
