"""Time an exported attention-GradCAM model folder in onnxruntime against eager PyTorch doing the same.

    python -m models.bench models/build/albef-base-random [--threads 2] [--phrases 1 3] [--repeat 5]

Rebuilds the PyTorch model from model.json's provenance (the checkpoint, or the random-weight config
and seed), then times, each after a warm-up run:
- image: the image graph (I = 1) vs eager PyTorch computing the same outputs;
- cam:   the CAM graph for B phrases of one image vs (a) eager PyTorch running the same split function
  (forward + autograd.grad) and (b) the reference way: the full text encoder over the image tokens,
  hooks, and `loss.backward()`, as ALBEF's Grounding.py / LAVIS compute_gradcam do (image pass excluded).
Prints median milliseconds and the speed-up of onnxruntime over each PyTorch run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from .core.family import ExportRequest
from .core.graph_export import ort_session


def median_ms(fns: list, repeat: int) -> list[float]:
    """Median wall time (ms) of each function, run interleaved (one of each per round, after a warm-up
    round), so that load from other processes falls on all of them alike."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for slot, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            times[slot].append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def rebuild(folder: Path, card: dict):
    prov = card["provenance"]
    family = card["family"]
    request = ExportRequest(family=family, out=folder, checkpoint=Path(prov["checkpoint"]) if prov["checkpoint"] else None,
                            random_init=None if prov["checkpoint"] else json.dumps(prov["config"]),
                            seed=prov.get("seed") or 0, layer=card["cam"]["layer"])
    quiet = lambda _: None  # noqa: E731
    if family == "albef":
        from .albef.export import build_model
        from .albef.graphs import AlbefCam, AlbefImageGraph, cam_spec

        model, _, _ = build_model(request, quiet)
        spec = cam_spec(model, card["cam"]["layer"])
        image_fn = AlbefImageGraph(model, spec).eval()
        cam_fn = AlbefCam(model, spec)

        def reference(pixels, image_embeds, ids, mask):
            return albef_reference_text_only(model, image_embeds, ids, mask, spec.cam_layer)
        return model, image_fn, cam_fn, reference, lambda pixels: model.visual_encoder(pixels)
    if family == "blip":
        from .blip.export import build_model
        from .blip.graphs import BlipCam, BlipImageGraph, cam_spec
        from .blip.reference import blip_reference_text_only

        model, _, _ = build_model(request, quiet)
        spec = cam_spec(model, card["cam"]["layer"])
        image_fn = BlipImageGraph(model, spec).eval()
        cam_fn = BlipCam(model, spec)

        def reference(pixels, image_embeds, ids, mask):
            return blip_reference_text_only(model, image_embeds, ids, mask, spec.cam_layer)
        return model, image_fn, cam_fn, reference, lambda pixels: model.vision_model(pixel_values=pixels).last_hidden_state
    raise SystemExit(f"models.bench times attention-gradcam families (albef, blip), not {family}")


def albef_reference_text_only(model, image_embeds, ids, mask, layer):
    """Grounding.py's ITM GradCAM step given the image tokens (the text encoder, hooks, backward)."""
    attn = model.text_encoder.encoder.layer[layer].crossattention.self
    attn.save_attention = True
    try:
        with torch.enable_grad():
            out = model.text_encoder(ids, mask, encoder_hidden_states=image_embeds)
            loss = model.itm_head(out[:, 0])[:, 1].sum()
            loss.backward()
        grads, cams = attn.get_attn_gradients(), attn.get_attention_map()
        return (cams[..., 1:] * grads[..., 1:].clamp(min=0) * mask[:, None, :, None]).mean(1)
    finally:
        attn.save_attention = False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m models.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--phrases", type=int, nargs="+", default=[1, 3, 8])
    parser.add_argument("--tokens", type=int, default=8, help="tokens per phrase (special tokens included)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    card = json.loads((args.folder / "model.json").read_text())
    model, image_fn, cam_fn, reference, encode_image = rebuild(args.folder, card)
    model.requires_grad_(True)  # the reference back-propagates as its training code would
    # no spinning: idle onnxruntime workers would otherwise take CPU from the PyTorch runs between them
    image = ort_session(args.folder / card["graphs"]["image"]["file"], threads=args.threads, spinning=False)
    cam = ort_session(args.folder / card["graphs"]["cam"]["file"], threads=args.threads, spinning=False)
    size = card["image"]["size"]
    pixels = torch.randn(1, 3, *size, generator=torch.Generator().manual_seed(0))
    print(f"{card['name']}: {args.threads} threads, {args.tokens} tokens per phrase, median of {args.repeat}")

    feeds = {"pixel_values": pixels.numpy()}
    image_out = image.run(None, feeds)
    fused_fn = type(image_fn)(model, image_fn.spec, fused_attention=True).eval()
    with torch.no_grad():
        ort_ms, eager_ms, fused_ms = median_ms(
            [lambda: image.run(None, feeds), lambda: image_fn(pixels), lambda: fused_fn(pixels)], args.repeat)
    print(f"image graph  onnxruntime {ort_ms:8.1f} ms   PyTorch eager {eager_ms:8.1f} ms (x{eager_ms / ort_ms:.2f})"
          f"   PyTorch eager, fused attention (SDPA) {fused_ms:8.1f} ms (x{fused_ms / ort_ms:.2f})")

    names = [i.name for i in image.get_outputs()]
    image_tensors = dict(zip(names, image_out))
    torch_image = [torch.from_numpy(t) for t in image_out]
    with torch.no_grad():
        image_embeds = encode_image(pixels)
    vocab = card["provenance"]["config"].get("vocab_size") or card["provenance"]["config"]["text_config"]["vocab_size"]
    for b in args.phrases:
        ids = torch.randint(min(1000, vocab // 2), min(vocab - 2, 20000), (b, args.tokens), generator=torch.Generator().manual_seed(b))
        mask = torch.ones(b, args.tokens, dtype=torch.long)
        index = torch.zeros(b, dtype=torch.long)
        cam_feeds = {**image_tensors, "image_index": index.numpy(), "input_ids": ids.numpy(),
                     "attention_mask": mask.numpy()}
        embeds = image_embeds.expand(b, -1, -1).contiguous()
        ort_ms, split_ms, ref_ms = median_ms([
            lambda: cam.run(None, cam_feeds),
            lambda: cam_fn(*torch_image, index, ids, mask),
            lambda: (model.zero_grad(), reference(pixels, embeds, ids, mask))], args.repeat)
        print(f"cam graph B={b:<2} onnxruntime {ort_ms:8.1f} ms   same split in PyTorch {split_ms:8.1f} ms (x{split_ms / ort_ms:.2f})"
              f"   reference text pass + backward {ref_ms:8.1f} ms (x{ref_ms / ort_ms:.2f})")

if __name__ == "__main__":
    main()
