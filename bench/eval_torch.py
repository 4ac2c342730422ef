"""The two PyTorch loops `npm run bench:eval` measures groundcam against, on the same model (rebuilt from
the exported folder's provenance: the same architecture and weights) and the same manifest.

- reference: ALBEF's Grounding.py (`val`, gradcam_mode 'itm'): every (image, phrase) pair is a sample with
  its own image, batched as its data loader does; per batch the image encoder, the text encoder with
  cross-attention, the ITM head, `loss.backward()` through everything (parameter gradients included),
  the saved attention map and its gradient, `cams * grads.clamp(0)`, mean over heads and tokens; then
  (grounding_eval) the map resized to the image with bicubic `F.interpolate` and its arg-max.
- tuned: the image encoder once per image (no gradient), all phrases of the image in one batch, the
  gradient only with respect to the attention map (`torch.autograd.grad`, no parameter gradients), the
  same map, resize and arg-max.

Preprocessing is the reference's: PIL decode, Resize((S, S), BICUBIC), ToTensor, Normalize (written
with numpy: there is no torchvision here). Tokens: ALBEF's pre_caption and the exported tokenizer.json.
Prints one JSON object: instances, seconds and instances/s of each loop, and the FLOPs of one
instance of groundcam's work (its exported graph functions, the image pass shared by the image's
phrases) counted with FlopCounterMode.

    .venv/bin/python bench/eval_torch.py --model models/build/albef-base-random --manifest m.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.bench import rebuild  # noqa: E402  (the exporter's own model reconstruction)


def pre_caption(caption: str, max_words: int = 30) -> str:
    caption = re.sub(r"([,.'!?\"()*#:;~])", "", caption.lower()).replace("-", " ").replace("/", " ").replace("<person>", "person")
    caption = re.sub(r"\s{2,}", " ", caption).rstrip("\n").strip(" ")
    words = caption.split(" ")
    return " ".join(words[:max_words]) if len(words) > max_words else caption


class Inputs:
    def __init__(self, card: dict, folder: Path):
        self.size = card["image"]["size"]
        self.mean = np.array(card["image"]["mean"], np.float32)[:, None, None]
        self.std = np.array(card["image"]["std"], np.float32)[:, None, None]
        self.tokenizer = Tokenizer.from_file(str(folder / card["text"]["tokenizer"]))
        self.max_words = card["text"].get("max_words", 30)

    def image(self, path: str) -> tuple[torch.Tensor, int, int]:
        img = Image.open(path).convert("RGB")
        w, h = img.size
        x = np.asarray(img.resize((self.size[1], self.size[0]), Image.BICUBIC), np.float32).transpose(2, 0, 1) / 255.0
        return torch.from_numpy((x - self.mean) / self.std), w, h

    def text(self, phrases: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        encs = [self.tokenizer.encode(pre_caption(p, self.max_words)).ids for p in phrases]
        t = max(len(e) for e in encs)
        ids = torch.zeros(len(encs), t, dtype=torch.long)
        mask = torch.zeros(len(encs), t, dtype=torch.long)
        for i, e in enumerate(encs):
            ids[i, : len(e)] = torch.tensor(e)
            mask[i, : len(e)] = 1
        return ids, mask


def pointing(cam: torch.Tensor, w: int, h: int) -> int:
    """grounding_eval's step: the map resized to the image (bicubic) and its arg-max."""
    up = F.interpolate(cam[None, None], size=(h, w), mode="bicubic", align_corners=False)[0, 0]
    return int(up.argmax())


def reference_loop(model, inputs: Inputs, rows: list[dict], layer: int, grid: int, batch: int) -> None:
    """ALBEF Grounding.py: one sample per (image, phrase), its own image pass, backward through everything."""
    attn = model.text_encoder.encoder.layer[layer].crossattention.self
    attn.save_attention = True
    model.requires_grad_(True)
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        loaded = [inputs.image(r["imagePath"]) for r in chunk]
        image = torch.stack([x for x, _, _ in loaded])
        ids, mask = inputs.text([r["phrase"] for r in chunk])
        image_embeds = model.visual_encoder(image)
        out = model.text_encoder(ids, mask, encoder_hidden_states=image_embeds)
        loss = model.itm_head(out[:, 0])[:, 1].sum()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            b = ids.shape[0]
            m = mask.view(b, 1, -1, 1, 1)
            grads = attn.get_attn_gradients()[:, :, :, 1:].clamp(min=0).reshape(b, attn.num_attention_heads, -1, grid, grid) * m
            cams = attn.get_attention_map()[:, :, :, 1:].reshape(b, attn.num_attention_heads, -1, grid, grid) * m
            gradcam = (cams * grads).mean(1).mean(1)
            for (_, w, h), cam in zip(loaded, gradcam):
                pointing(cam, w, h)
    attn.save_attention = False


def tuned_loop(model, inputs: Inputs, rows: list[dict], layer: int, grid: int) -> None:
    """The image pass once per image; the gradient with respect to the attention map only."""
    model.requires_grad_(False)
    attn = model.text_encoder.encoder.layer[layer].crossattention.self
    by_image: dict[str, list[dict]] = {}
    for r in rows:
        by_image.setdefault(r["imagePath"], []).append(r)
    captured: dict[str, torch.Tensor] = {}
    original = attn.save_attention_map

    def keep(attention_map):
        # nothing upstream requires grad: the probabilities are a leaf, and the graph starts here
        attention_map.requires_grad_(True)
        captured["probs"] = attention_map
        original(attention_map)

    attn.save_attention_map = keep  # the hook ALBEF's attention calls with the probabilities
    attn.save_attention = True
    try:
        for path, group in by_image.items():
            image, w, h = inputs.image(path)
            ids, mask = inputs.text([r["phrase"] for r in group])
            with torch.no_grad():
                image_embeds = model.visual_encoder(image[None]).expand(len(group), -1, -1)
            with torch.enable_grad():
                out = model.text_encoder(ids, mask, encoder_hidden_states=image_embeds)
                score = model.itm_head(out[:, 0])[:, 1].sum()
                probs = captured["probs"]
                score.backward(inputs=[probs])  # the gradient of the attention map only
                grads = probs.grad
            with torch.no_grad():
                b = ids.shape[0]
                m = mask.view(b, 1, -1, 1, 1)
                g = grads[:, :, :, 1:].clamp(min=0).reshape(b, attn.num_attention_heads, -1, grid, grid) * m
                c = probs[:, :, :, 1:].reshape(b, attn.num_attention_heads, -1, grid, grid) * m
                for cam in (c * g).mean(1).mean(1):
                    pointing(cam, w, h)
    finally:
        attn.save_attention = False
        attn.save_attention_map = original


def groundcam_flops(image_fn, cam_fn, inputs: Inputs, rows: list[dict]) -> tuple[float, float]:
    """FLOPs of groundcam's work, counted with FlopCounterMode on the very functions that were exported
    (models/albef/graphs.py): the image graph for one image, and the CAM graph (forward and the in-graph
    gradient) per phrase, over the first image's phrases."""
    from torch.utils.flop_counter import FlopCounterMode

    first = [r for r in rows if r["imagePath"] == rows[0]["imagePath"]]
    image, _, _ = inputs.image(first[0]["imagePath"])
    ids, mask = inputs.text([r["phrase"] for r in first])
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        outputs = image_fn(image[None])
    image_flops = counter.get_total_flops()
    with FlopCounterMode(display=False) as counter:
        cam_fn(*outputs, torch.zeros(len(first), dtype=torch.long), ids, mask)
    return float(image_flops), counter.get_total_flops() / len(first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8, help="reference loop batch (Grounding.py's loader)")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each loop (the best is reported)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    card = json.loads((args.model / "model.json").read_text())
    model, image_fn, cam_fn, *_ = rebuild(args.model, card)
    model.eval()
    layer = int(card["cam"]["layer"])
    grid = card["cam"]["grid"][0]
    inputs = Inputs(card, args.model)
    base = args.manifest.parent
    rows = []
    for line in args.manifest.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            r["imagePath"] = str((base / r["image"]).resolve())
            rows.append(r)
    first_image = [r for r in rows if r["imagePath"] == rows[0]["imagePath"]]
    result = {"instances": len(rows), "images": len({r["imagePath"] for r in rows}), "threads": args.threads, "torch": torch.__version__}

    # warm-up (allocator, kernels) on the first image's phrases, then the timed runs, the two loops
    # interleaved `--repeat` times; the best of each is reported (the least disturbed by other load)
    tuned_loop(model, inputs, first_image, layer, grid)
    if not args.skip_reference:
        reference_loop(model, inputs, first_image[:2], layer, grid, args.batch)
    times: dict[str, list[float]] = {"tuned": [], "reference": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        tuned_loop(model, inputs, rows, layer, grid)
        times["tuned"].append(time.perf_counter() - start)
        if not args.skip_reference:
            start = time.perf_counter()
            reference_loop(model, inputs, rows, layer, grid, args.batch)
            times["reference"].append(time.perf_counter() - start)
    for name, ts in times.items():
        if ts:
            result[name] = {"seconds": min(ts), "per_second": len(rows) / min(ts), "all_seconds": ts}
    image_flops, phrase_flops = groundcam_flops(image_fn, cam_fn, inputs, rows)
    result["flops_per_image"] = image_flops
    result["flops_per_phrase"] = phrase_flops
    result["flops_per_instance"] = image_flops * result["images"] / len(rows) + phrase_flops
    print(json.dumps(result))


if __name__ == "__main__":
    main()
