"""GradCAM computed the way ALBEF's Grounding.py computes it (`val`, gradcam_mode 'itm'): the full
model in eager PyTorch, the cross-attention map of `block_num` saved by its hook, `loss.backward()`.
The parity tests and the fixtures' goldens compare the exported graphs with this."""

from __future__ import annotations

import torch

from .model import ALBEF


def albef_reference_gradcam(model: ALBEF, pixel_values: torch.Tensor, input_ids: torch.Tensor,
                            attention_mask: torch.Tensor, block_num: int) -> tuple[torch.Tensor, torch.Tensor]:
    """score [B] (ITM logit of class 1) and per-token CAM [B, T, gh, gw] for B (image, phrase) pairs.

    Grounding.py then averages the per-token maps over all T positions (`gradcam.mean(1).mean(1)`);
    the token average is the evaluator's (TypeScript) step, so the per-token maps are returned."""
    cfg = model.config
    was_training = model.training
    model.eval()
    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(True)
    attn = model.text_encoder.encoder.layer[block_num].crossattention.self
    attn.save_attention = True
    try:
        image_embeds = model.visual_encoder(pixel_values)
        output = model.text_encoder(input_ids, attention_mask, encoder_hidden_states=image_embeds)
        vl_output = model.itm_head(output[:, 0, :])
        loss = vl_output[:, 1].sum()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            b, grid = input_ids.shape[0], cfg.grid
            mask = attention_mask.view(b, 1, -1, 1, 1)
            grads = attn.get_attn_gradients().detach()
            cams = attn.get_attention_map().detach()
            cams = cams[:, :, :, 1:].reshape(b, cfg.text_heads, -1, grid, grid) * mask
            grads = grads[:, :, :, 1:].clamp(min=0).reshape(b, cfg.text_heads, -1, grid, grid) * mask
            gradcam = (cams * grads).mean(1)  # [B, T, gh, gw]; Grounding.py's second .mean(1) is the token average
        return vl_output[:, 1].detach(), gradcam
    finally:
        attn.save_attention = False
        attn.attention_map = attn.attn_gradients = None
        model.zero_grad(set_to_none=True)
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
        model.train(was_training)
