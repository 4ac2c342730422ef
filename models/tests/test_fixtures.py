"""The committed fixtures (fixtures/models/*): valid cards, standard ops only, and onnxruntime on the
goldens' inputs reproduces the goldens' outputs (which the PyTorch references computed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from models.clip.gscorecam import gscorecam_from_graphs
from models.core.card import validate_card
from models.core.graph_export import non_standard_nodes, ort_session
from models.core.text_rules import CLEANERS
from models.core.tokenizer_files import load_tokenizer

from .conftest import REPO, assert_close

FIXTURES = REPO / "fixtures" / "models"
NAMES = ["albef-tiny", "blip-tiny", "clip-rn-tiny", "clip-vit-tiny"]


def golden(name: str) -> tuple[Path, dict, dict]:
    folder = FIXTURES / name
    return folder, json.loads((folder / "model.json").read_text()), json.loads((folder / "golden" / "golden.json").read_text())


def array(folder: Path, file: str) -> np.ndarray:
    return np.load(folder / "golden" / file)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_card_and_ops(name):
    folder, card, _ = golden(name)
    validate_card(card, folder)
    for graph in card["graphs"].values():
        model = onnx.load(str(folder / graph["file"]))
        assert non_standard_nodes(model) == [], graph["file"]
        assert [i.name for i in model.graph.input] == [t["name"] for t in graph["inputs"]]
        assert [o.name for o in model.graph.output] == [t["name"] for t in graph["outputs"]]
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 1_000_000, f"{name} is {size} bytes: fixtures stay small"


@pytest.mark.parametrize("name", NAMES)
def test_fixture_graphs_reproduce_goldens(name):
    folder, card, doc = golden(name)
    for case in doc["cases"]:
        for graph_name, io in case["graphs"].items():
            session = ort_session(folder / card["graphs"][graph_name]["file"])
            feeds = {k: array(folder, f) for k, f in io["inputs"].items()}
            outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
            for key, file in io["outputs"].items():
                assert_close(outputs[key], array(folder, file), rtol=doc["rtol"], what=f"{name} {case['name']} {graph_name}.{key}")


@pytest.mark.parametrize("name", NAMES)
def test_fixture_text_rules(name):
    folder, card, doc = golden(name)
    text = card["text"]
    tok = load_tokenizer(folder / text["tokenizer"])
    for case in doc["cases"]:
        clean = CLEANERS[text["clean"]]
        assert [clean(p, text["max_words"]) if "max_words" in text else clean(p) for p in case["phrases"]] == case["cleaned"]
        pad_to = text["max_length"] if text["padding"] == "max_length" else None
        ids, mask = tok.encode_batch(case["cleaned"], first_token=text["first_token"], max_length=text["max_length"],
                                     pad_to=pad_to, pad_id=text["pad_id"])
        assert ids == case["input_ids"] and mask == case["attention_mask"]


def test_gscorecam_fixture_end_to_end():
    folder, card, doc = golden("clip-rn-tiny")
    graphs = {n: ort_session(folder / g["file"]) for n, g in card["graphs"].items()}

    def run_image(pixels):
        return tuple(torch.from_numpy(o) for o in graphs["image"].run(None, {"pixel_values": pixels.numpy()}))

    def run_text(ids):
        return torch.from_numpy(graphs["text"].run(None, {"input_ids": ids.numpy()})[0])

    def run_grad(acts, index, text):
        return tuple(torch.from_numpy(o) for o in graphs["grad"].run(
            None, {"activations": acts.numpy(), "image_index": index.numpy(), "text_embeds": text.numpy()}))

    for case in doc["cases"]:
        pixels = torch.from_numpy(array(folder, case["graphs"]["image"]["inputs"]["pixel_values"]))
        index = array(folder, case["graphs"]["grad"]["inputs"]["image_index"])
        want = {k: array(folder, f) for k, f in case["gscorecam"].items()}
        for b, i in enumerate(index):
            ids = torch.tensor([case["input_ids"][b]])
            got = gscorecam_from_graphs(run_image, run_text, run_grad, pixels[i][None], ids, card["cam"]["topk"],
                                        card["cam"]["logit_scale"])
            assert got["indices"].tolist() == want["indices"][b].tolist()
            for key in ("masked_scores", "weights", "cam_raw"):
                assert_close(got[key], want[key][b], what=f"{case['name']}[{b}] {key}")
            raw = want["cam_raw"][b]
            assert_close(got["cam"], want["cam"][b], rtol=1e-5 * max(1.0, float(raw.max() / (raw.max() - raw.min()))))
