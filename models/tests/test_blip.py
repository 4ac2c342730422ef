"""BLIP: the exported graphs of a Hugging Face BlipForImageTextRetrieval folder against GradCAM computed
the way LAVIS's compute_gradcam computes it (on the Hugging Face model, [ENC] first)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from models.blip.graphs import BlipCam, BlipImageGraph, cam_spec, vision_forward
from models.blip.model import PRESETS, random_blip
from models.blip.reference import blip_reference_gradcam
from models.core.card import validate_card
from models.core.checkpoint import sha256_of
from models.core.graph_export import non_standard_nodes, ort_session
from models.core.tokenizer_files import build_bert_tokenizer, load_tokenizer

from .conftest import assert_close, load_card, run_export

PHRASES = ["the man on the left", "red car", "a small white dog sitting next to the big black horse", "cup"]
SEED = 4


@pytest.fixture(scope="session")
def blip_checkpoint(tmp_path_factory) -> Path:
    """A Hugging Face model folder as `save_pretrained` writes it (config.json, model.safetensors) with a
    BERT tokenizer.json that, like Hugging Face's BLIP tokenizers, has no [ENC]."""
    folder = tmp_path_factory.mktemp("blip-hf") / "blip-itm-tiny"
    random_blip(PRESETS["tiny"], SEED).save_pretrained(str(folder))
    tok = build_bert_tokenizer(400)
    tok.tokenizer.add_special_tokens(["[DEC]"])
    tok.write(folder)
    return folder


@pytest.fixture(scope="session")
def blip_folder(tmp_path_factory, blip_checkpoint) -> Path:
    out = tmp_path_factory.mktemp("blip") / "blip-tiny"
    run_export(["blip", "--checkpoint", str(blip_checkpoint), "--out", str(out)])
    return out


def hf_model(folder: Path):
    from transformers import BlipForImageTextRetrieval

    return BlipForImageTextRetrieval.from_pretrained(str(folder), local_files_only=True).eval()


def encode(folder: Path, phrases: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    ids, mask = load_tokenizer(folder / "tokenizer.json").encode_batch(phrases, first_token="[ENC]", max_length=35)
    return torch.tensor(ids), torch.tensor(mask)


@pytest.mark.parametrize("fused", [False, True])
def test_vision_forward_equals_hugging_face(blip_checkpoint, fused):
    model = hf_model(blip_checkpoint)
    pixels = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = model.vision_model(pixel_values=pixels).last_hidden_state
        got = vision_forward(model.vision_model, pixels, fused)
    assert_close(got, want, what="vision tokens")


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_split_graph_functions_equal_reference(blip_checkpoint, blip_folder, layer):
    model = hf_model(blip_checkpoint)
    ids, mask = encode(blip_folder, PHRASES)
    pixels = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    index = torch.tensor([2, 0, 1, 2])
    spec = cam_spec(model, layer)
    with torch.no_grad():
        kv = BlipImageGraph(model, spec)(pixels)
    score, cam = BlipCam(model, spec)(*kv, index, ids, mask)
    ref_score, ref_cam = blip_reference_gradcam(model, pixels[index], ids, mask, layer)
    assert_close(score, ref_score, what="score")
    assert_close(cam, ref_cam, what="cam")


@pytest.mark.parametrize("n_images,phrases,index", [
    (1, PHRASES[:1], [0]),
    (2, PHRASES[:3], [1, 0, 1]),
    (3, PHRASES[1:3], [2, 0]),
])
def test_onnx_graphs_equal_reference_gradcam(blip_checkpoint, blip_folder, n_images, phrases, index):
    model = hf_model(blip_checkpoint)
    card = load_card(blip_folder)
    image = ort_session(blip_folder / "image.onnx")
    cam_graph = ort_session(blip_folder / "cam.onnx")
    pixels = torch.randn(n_images, 3, 32, 32, generator=torch.Generator().manual_seed(n_images))
    ids, mask = encode(blip_folder, phrases)
    image_out = dict(zip([o.name for o in image.get_outputs()], image.run(None, {"pixel_values": pixels.numpy()})))
    image_index = torch.tensor(index)
    score, cam = cam_graph.run(["score", "cam"], {**image_out, "image_index": image_index.numpy(),
                                                  "input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    ref_score, ref_cam = blip_reference_gradcam(model, pixels[image_index], ids, mask, card["cam"]["layer"])
    assert_close(score, ref_score.numpy(), what="score")
    assert_close(cam, ref_cam.numpy(), what="cam")
    assert np.all(cam[mask.numpy() == 0] == 0)


def test_card_tokenizer_and_provenance(blip_checkpoint, blip_folder):
    card = load_card(blip_folder)
    validate_card(card, blip_folder)
    for graph in card["graphs"].values():
        assert non_standard_nodes(onnx.load(str(blip_folder / graph["file"]))) == []
    assert card["text"]["first_token"] == "[ENC]" and card["cam"]["tokens"] == "words"
    assert card["cam"]["layer"] == 1  # the tiny model's middle layer (LAVIS: 6 of 12)
    tok = load_tokenizer(blip_folder / "tokenizer.json")
    assert (tok.token_id("[DEC]"), tok.token_id("[ENC]")) == (400, 401)
    prov = card["provenance"]
    assert prov["random_init"] is False
    assert prov["checkpoint_sha256"] == sha256_of(blip_checkpoint / "model.safetensors")
    assert prov["transformers"] and prov["config"]["text_config"]["vocab_size"] == 402


def test_a_folder_that_is_not_blip_is_refused(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "clip", "architectures": ["CLIPModel"]}))
    from models.blip.model import load_blip
    from models.core.checkpoint import CheckpointError

    with pytest.raises(CheckpointError, match="BlipForImageTextRetrieval"):
        load_blip(tmp_path)
