"""Exporting the image and CAM graphs of an attention-GradCAM (fusion encoder) model; shared by ALBEF
and BLIP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from .family import Log, check_parity, random_phrases
from .fusion_cam import FusionCamSpec, kv_names
from .graph_export import ExportedGraph, TensorSpec, export_forward, pick_example_sizes, trace_with_gradients
from .tokenizer_files import TokenizerFiles


@dataclass
class FusionGraphs:
    image: ExportedGraph
    cam: ExportedGraph
    reference_error: float


def export_fusion_graphs(image_graph: nn.Module, cam_fn: Callable, reference: Callable, spec: FusionCamSpec,
                         image_size: int, vocab_size: int, tok: TokenizerFiles, out: Path, opset: int, seed: int,
                         log: Log, first_token: str | None = None, score_doc: str = "ITM logit of the match class") -> FusionGraphs:
    """`reference(pixel_values, input_ids, attention_mask)` computes (score, cam) the reference code's
    way (hooks + backward over the full model); the exported pair must reproduce it."""
    n_layers, heads, dim = len(spec.cross_layers), spec.num_heads, spec.head_dim
    gh, gw = spec.grid
    n_tokens = gh * gw + 1
    sizes = pick_example_sizes(["I", "B", "T"], [n_layers, heads, n_tokens, dim, 3, image_size])
    gen = torch.Generator().manual_seed(seed + 1)
    pixels = torch.randn(sizes["I"], 3, image_size, image_size, generator=gen)
    def kv_spec(name: str) -> TensorSpec:
        layer = name.rsplit("_", 1)[1]
        if "_k_" in name:
            return TensorSpec(name, "float32", ["I", heads, dim, n_tokens],
                              f"cross-attention keys of text layer {layer}, transposed: [image, head, dim, image token]")
        return TensorSpec(name, "float32", ["I", heads, n_tokens, dim],
                          f"cross-attention values of text layer {layer}: [image, head, image token, dim]")
    kv_specs = [kv_spec(name) for name in kv_names(spec)]
    log(f"exporting the image graph ({image_size} px; keys/values of {n_layers} fusion layers)")
    image = export_forward(image_graph, (pixels,), [TensorSpec("pixel_values", "float32", ["I", 3, image_size, image_size])],
                           kv_specs, out / "image.onnx", opset=opset, check_args=[(pixels[:1],)])

    with torch.no_grad():
        kv_out = image_graph(pixels)
    special = dict(pad_id=tok.config["pad_token_id"], cls_id=tok.token_id(first_token or "[CLS]"),
                   sep_id=tok.token_id("[SEP]"))
    low = 5
    ids, mask = random_phrases(gen, sizes["B"], sizes["T"], vocab_size, low, **special)
    index = torch.randint(0, sizes["I"], (sizes["B"],), generator=gen)
    example = (*kv_out, index, ids, mask)
    ids1, mask1 = random_phrases(gen, 1, 4, vocab_size, low, **special)
    ids4, mask4 = random_phrases(gen, 4, 6, vocab_size, low, **special)
    checks = [(*(t[:1] for t in kv_out), torch.tensor([0]), ids1, mask1),
              (*(t[:2] for t in kv_out), torch.tensor([1, 0, 1, 1]), ids4, mask4)]
    log(f"tracing the CAM graph (forward and gradient, CAM at text layer {spec.cam_layer})")
    traced = trace_with_gradients(cam_fn, example)
    cam_inputs = kv_specs + [
        TensorSpec("image_index", "int64", ["B"], "which of the I images each phrase belongs to"),
        TensorSpec("input_ids", "int64", ["B", "T"], f"first token {first_token}" if first_token else ""),
        TensorSpec("attention_mask", "int64", ["B", "T"], "1 = token, 0 = padding")]
    cam_outputs = [TensorSpec("score", "float32", ["B"], score_doc),
                   TensorSpec("cam", "float32", ["B", "T", gh, gw],
                              "mean over heads of attn * relu(d score / d attn) at the CAM layer, per text position; padding 0")]
    log("exporting the CAM graph")
    cam = export_forward(traced, example, cam_inputs, cam_outputs, out / "cam.onnx", opset=opset,
                         check_args=checks, reference=cam_fn)

    # two pairs (one full-length phrase, one padded) bound the reference's memory on large models
    pairs = slice(0, 2)
    with torch.no_grad():
        got = cam_fn(*kv_out, index[pairs], ids[pairs], mask[pairs])
    want = reference(pixels[index[pairs]], ids[pairs], mask[pairs])
    error = check_parity("CAM graph vs reference GradCAM", got, want, rtol=1e-4)
    return FusionGraphs(image, cam, error)
