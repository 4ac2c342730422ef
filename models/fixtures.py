"""Regenerate the tiny exported models and their goldens under fixtures/models/ (deterministic: fixed
seeds, random weights of the real architectures):

    python -m models.fixtures [--out fixtures/models] [--only albef-tiny ...]

Each fixture folder is an exported model folder (model.json, graphs, tokenizer) plus `golden/`:
`golden.json` lists cases, each with its raw phrases, the cleaned phrases and token ids the evaluator's
text rules must produce, and per graph the input and expected output arrays (`.npy`, float32/int64).
Expected outputs are computed by the PyTorch references (hooks + backward, the way the reference code
computes GradCAM), not by onnxruntime, so matching them checks the graphs against the references.
Tolerance: |actual - expected| <= 1e-5 * max|expected| per array.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import torch

from .core.family import ExportRequest
from .core.fusion_cam import kv_names
from .core.text_rules import CLEANERS
from .core.tokenizer_files import load_tokenizer

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "fixtures" / "models"
RTOL = 1e-5

PHRASES = ["The man on the LEFT, wearing a hat!", "red car.", "a small white dog sitting next to the big black horse"]
SEED = 1


class Golden:
    def __init__(self, folder: Path):
        self.folder = folder / "golden"
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self.cases: list[dict] = []

    def save(self, case: str, name: str, value) -> str:
        array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        file = f"{case}.{name}.npy"
        np.save(self.folder / file, array)
        return file

    def arrays(self, case: str, values: dict) -> dict:
        return {name: self.save(case, name, value) for name, value in values.items()}

    def write(self, extra: dict) -> None:
        doc = {"rtol": RTOL, "tolerance": "max|actual - expected| <= rtol * max|expected|, per array", **extra,
               "cases": self.cases}
        (self.folder / "golden.json").write_text(json.dumps(doc, indent=2) + "\n")


def text_case(card: dict, folder: Path, phrases: list[str]) -> tuple[list[str], torch.Tensor, torch.Tensor]:
    text = card["text"]
    clean = CLEANERS[text["clean"]]
    cleaned = [clean(p, text.get("max_words")) if text.get("max_words") else clean(p) for p in phrases]
    pad_to = text["max_length"] if text["padding"] == "max_length" else None
    ids, mask = load_tokenizer(folder / text["tokenizer"]).encode_batch(
        cleaned, first_token=text["first_token"], max_length=text["max_length"], pad_to=pad_to, pad_id=text["pad_id"])
    return cleaned, torch.tensor(ids), torch.tensor(mask)


def pixels(card: dict, n: int, seed: int) -> torch.Tensor:
    h, w = card["image"]["size"]
    return torch.randn(n, 3, h, w, generator=torch.Generator().manual_seed(seed))


CASES = [("one", 1, PHRASES[:1], [0]), ("batch", 2, PHRASES, [1, 0, 1])]


def fusion_goldens(folder: Path, family: str) -> None:
    """albef / blip: image graph outputs from the PyTorch image function, CAM outputs from the
    reference GradCAM (Grounding.py / LAVIS compute_gradcam) over the full model."""
    card = json.loads((folder / "model.json").read_text())
    request = ExportRequest(family=family, out=folder, random_init="tiny", seed=SEED)
    layer = card["cam"]["layer"]
    if family == "albef":
        from .albef.export import build_model
        from .albef.graphs import AlbefImageGraph, cam_spec
        from .albef.reference import albef_reference_gradcam as reference

        model = build_model(request, lambda _: None)[0]
        image_fn = AlbefImageGraph(model, cam_spec(model, layer))
    else:
        from .blip.export import build_model
        from .blip.graphs import BlipImageGraph, cam_spec
        from .blip.reference import blip_reference_gradcam as reference

        model = build_model(request, lambda _: None)[0]
        image_fn = BlipImageGraph(model, cam_spec(model, layer))
    golden = Golden(folder)
    for case, n_images, phrases, index in CASES:
        cleaned, ids, mask = text_case(card, folder, phrases)
        pix = pixels(card, n_images, seed=len(case))
        with torch.no_grad():
            kv = dict(zip(kv_names(image_fn.spec), image_fn(pix)))
        image_index = torch.tensor(index)
        score, cam = reference(model, pix[image_index], ids, mask, layer)
        golden.cases.append({
            "name": case, "phrases": phrases, "cleaned": cleaned, "input_ids": ids.tolist(),
            "attention_mask": mask.tolist(),
            "graphs": {
                "image": {"inputs": golden.arrays(case, {"pixel_values": pix}),
                          "outputs": golden.arrays(case, kv)},
                "cam": {"inputs": golden.arrays(case, {**kv, "image_index": image_index,
                                                       "input_ids": ids, "attention_mask": mask}),
                        "outputs": golden.arrays(case, {"score": score, "cam": cam})},
            },
        })
    golden.write({"reference": "ALBEF Grounding.py val (itm)" if family == "albef" else "LAVIS compute_gradcam"})


def clip_vit_goldens(folder: Path) -> None:
    from .clip.hf_vit import ClipVitImageGraph, clip_vit_reference_gradcam, random_clip_vit, PRESETS

    card = json.loads((folder / "model.json").read_text())
    model = random_clip_vit(PRESETS["vit-tiny"], SEED)
    layer = card["cam"]["layer"]
    golden = Golden(folder)
    for case, n_images, phrases, index in CASES:
        cleaned, ids, mask = text_case(card, folder, phrases)
        pix = pixels(card, n_images, seed=len(case))
        with torch.no_grad():
            hidden = ClipVitImageGraph(model, layer)(pix)
        image_index = torch.tensor(index)
        score, cam = clip_vit_reference_gradcam(model, pix[image_index], ids, mask, layer)
        golden.cases.append({
            "name": case, "phrases": phrases, "cleaned": cleaned, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
            "graphs": {
                "image": {"inputs": golden.arrays(case, {"pixel_values": pix}), "outputs": golden.arrays(case, {"hidden": hidden})},
                "cam": {"inputs": golden.arrays(case, {"hidden": hidden, "image_index": image_index, "input_ids": ids,
                                                       "attention_mask": mask}),
                        "outputs": golden.arrays(case, {"score": score, "cam": cam})},
            },
        })
    golden.write({"reference": "pytorch-grad-cam GradCAM on the Hugging Face CLIPModel"})


def clip_rn_goldens(folder: Path) -> None:
    from .clip.export import build_resnet
    from .clip.gscorecam import ClipImageGraph, ClipTextGraph, gscorecam_reference

    card = json.loads((folder / "model.json").read_text())
    model = build_resnet(ExportRequest(family="clip", out=folder, random_init="rn-tiny", seed=SEED), lambda _: None)[0]
    image_fn, text_fn = ClipImageGraph(model), ClipTextGraph(model)
    golden = Golden(folder)
    for case, n_images, phrases, index in CASES:
        cleaned, ids, mask = text_case(card, folder, phrases)
        pix = pixels(card, n_images, seed=len(case))
        image_index = torch.tensor(index)
        with torch.no_grad():
            activations, embeds = image_fn(pix)
            text = text_fn(ids)
        refs = [gscorecam_reference(model, pix[i][None], ids[b][None], topk=card["cam"]["topk"])
                for b, i in enumerate(index)]
        entry = {
            "name": case, "phrases": phrases, "cleaned": cleaned, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
            "graphs": {
                "image": {"inputs": golden.arrays(case, {"pixel_values": pix}),
                          "outputs": golden.arrays(case, {"activations": activations, "image_embeds": embeds})},
                "text": {"inputs": golden.arrays(case, {"input_ids": ids}), "outputs": golden.arrays(case, {"text_embeds": text})},
                "grad": {"inputs": golden.arrays(case, {"activations": activations, "image_index": image_index,
                                                        "text_embeds": text}),
                         "outputs": golden.arrays(case, {"score": torch.stack([r["score"] for r in refs]),
                                                         "grad": torch.stack([r["grad"] for r in refs]),
                                                         "importance": torch.stack([r["importance"] for r in refs])})},
            },
            # gScoreCAM end to end, per phrase (pixel_values[image_index[b]], phrase b), from the reference
            "gscorecam": golden.arrays(case, {
                "indices": torch.stack([r["indices"] for r in refs]),
                "masked_scores": torch.stack([r["masked_scores"] for r in refs]),
                "weights": torch.stack([r["weights"] for r in refs]),
                "cam_raw": torch.stack([r["cam_raw"] for r in refs]),
                "cam": torch.stack([r["cam"] for r in refs])}),
        }
        golden.cases.append(entry)
    golden.write({"reference": "gScoreCAM repository (GScoreCAM.get_cam_weights + BaseCAM), topk from model.json"})


FIXTURES = {
    "albef-tiny": (["albef", "--random-init", "tiny"], lambda f: fusion_goldens(f, "albef")),
    "blip-tiny": (["blip", "--random-init", "tiny"], lambda f: fusion_goldens(f, "blip")),
    "clip-rn-tiny": (["clip", "--random-init", "rn-tiny", "--topk", "16"], clip_rn_goldens),
    "clip-vit-tiny": (["clip", "--random-init", "vit-tiny"], clip_vit_goldens),
}


def main(argv: list[str] | None = None) -> None:
    from .export import run

    parser = argparse.ArgumentParser(prog="python -m models.fixtures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", nargs="+", choices=sorted(FIXTURES))
    args = parser.parse_args(argv)
    for name in args.only or FIXTURES:
        cli, goldens = FIXTURES[name]
        folder = args.out / name
        if folder.exists():
            shutil.rmtree(folder)
        print(f"== {name}", flush=True)
        if run([*cli, "--seed", str(SEED), "--name", name, "--out", str(folder)]) != 0:
            raise SystemExit(f"exporting {name} failed")
        goldens(folder)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"   {name}: {size / 1e3:.0f} kB with goldens", flush=True)


if __name__ == "__main__":
    main()
