"""ALBEF: module definitions, checkpoint loading, and the exported graphs against GradCAM computed
the way ALBEF's Grounding.py computes it."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from models.albef.checkpoint import interpolate_pos_embed, load_albef
from models.albef.export import build_model
from models.albef.graphs import AlbefCam, AlbefImageGraph, cam_spec
from models.albef.model import ALBEF, PRESETS, init_weights, preset
from models.albef.reference import albef_reference_gradcam
from models.core.card import validate_card
from models.core.checkpoint import CheckpointError
from models.core.family import ExportRequest
from models.core.graph_export import non_standard_nodes, ort_session
from models.core.tokenizer_files import load_tokenizer

from .conftest import assert_close, load_card

PHRASES = ["the man on the left", "red car", "a small white dog sitting next to the big black horse", "cup"]


def tiny_model(seed: int = 3) -> ALBEF:
    model, _, _ = build_model(ExportRequest(family="albef", out=Path("unused"), random_init="tiny", seed=seed),
                              log=lambda _: None)
    return model


def encode(folder: Path, phrases: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    ids, mask = load_tokenizer(folder / "tokenizer.json").encode_batch(phrases)
    return torch.tensor(ids), torch.tensor(mask)


@pytest.mark.parametrize("layer", [2, 3])
@pytest.mark.parametrize("phrases", [PHRASES[:1], PHRASES])
def test_split_graph_functions_equal_reference(layer, phrases, albef_tiny_folder):
    """Image-side keys/values computed once + CLS-only last layer == the full reference forward/backward."""
    model = tiny_model()
    ids, mask = encode(albef_tiny_folder, phrases)
    gen = torch.Generator().manual_seed(0)
    pixels = torch.randn(3, 3, 32, 32, generator=gen)
    index = torch.arange(len(phrases)) % 3
    spec = cam_spec(model, layer)
    with torch.no_grad():
        kv = AlbefImageGraph(model, spec)(pixels)
    score, cam = AlbefCam(model, spec)(*kv, index, ids, mask)
    ref_score, ref_cam = albef_reference_gradcam(model, pixels[index], ids, mask, layer)
    assert_close(score, ref_score, what="score")
    assert_close(cam, ref_cam, what="cam")


@pytest.mark.parametrize("n_images,phrases,index", [
    (1, PHRASES[:1], [0]),  # batch 1
    (2, PHRASES[:3], [1, 0, 1]),  # batch > 1, padded text, phrases sharing an image
    (3, PHRASES[1:3], [2, 0]),  # I != B
])
def test_onnx_graphs_equal_reference_gradcam(n_images, phrases, index, albef_tiny_folder):
    model = tiny_model()
    card = load_card(albef_tiny_folder)
    image = ort_session(albef_tiny_folder / card["graphs"]["image"]["file"])
    cam_graph = ort_session(albef_tiny_folder / card["graphs"]["cam"]["file"])
    pixels = torch.randn(n_images, 3, 32, 32, generator=torch.Generator().manual_seed(n_images))
    ids, mask = encode(albef_tiny_folder, phrases)
    image_out = dict(zip([o.name for o in image.get_outputs()], image.run(None, {"pixel_values": pixels.numpy()})))
    image_index = torch.tensor(index)
    score, cam = cam_graph.run(["score", "cam"], {
        **image_out, "image_index": image_index.numpy(), "input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    ref_score, ref_cam = albef_reference_gradcam(model, pixels[image_index], ids, mask, card["cam"]["layer"])
    assert cam.shape == (len(phrases), ids.shape[1], 4, 4)
    assert_close(score, ref_score.numpy(), what="score")
    assert_close(cam, ref_cam.numpy(), what="cam")
    assert np.all(cam[mask.numpy() == 0] == 0), "padding positions must be zero"


def test_graphs_hold_standard_ops_only_and_card_is_valid(albef_tiny_folder):
    card = load_card(albef_tiny_folder)
    validate_card(card, albef_tiny_folder)
    for graph in card["graphs"].values():
        model = onnx.load(str(albef_tiny_folder / graph["file"]))
        assert non_standard_nodes(model) == []
        assert max(imp.version for imp in model.opset_import if imp.domain in ("", "ai.onnx")) >= 17
        dims = [[d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in model.graph.input]
        assert dims == [t["shape"] for t in graph["inputs"]]
    assert card["provenance"]["random_init"] is True and card["provenance"]["checkpoint_sha256"] is None
    assert card["provenance"]["config"]["text_layers"] == PRESETS["tiny"]["text_layers"]


def test_non_standard_domain_is_detected():
    node = onnx.helper.make_node("FusedMatMul", ["a", "b"], ["c"], domain="com.microsoft")
    graph = onnx.helper.make_graph([node], "g", [], [])
    assert non_standard_nodes(onnx.helper.make_model(graph)) == ["com.microsoft::FusedMatMul"]


def official_layout(model: ALBEF, pretraining: bool, grid: int | None = None) -> dict:
    """A checkpoint as ALBEF's training code saves it: {'model': state_dict, ...}, with momentum
    encoders, queues, the position_ids buffer, `text_encoder.bert.` keys for pretraining checkpoints,
    and the position embedding at another resolution."""
    state = {}
    for key, value in model.state_dict().items():
        if pretraining and key.startswith("text_encoder."):
            key = key.replace("text_encoder.", "text_encoder.bert.", 1)
        state[key] = value.clone()
        if key.startswith(("visual_encoder.", "text_encoder.", "vision_proj.", "text_proj.")):
            state[key.replace(key.split(".")[0], key.split(".")[0] + "_m", 1)] = value.clone()
    prefix = "text_encoder.bert." if pretraining else "text_encoder."
    state[prefix + "embeddings.position_ids"] = torch.arange(64)[None]
    state["image_queue"] = torch.randn(16, 8)
    state["queue_ptr"] = torch.zeros(1, dtype=torch.long)
    if pretraining:
        state["text_encoder.cls.predictions.bias"] = torch.zeros(400)
    if grid is not None:
        pos = state["visual_encoder.pos_embed"]
        state["visual_encoder.pos_embed"] = interpolate_pos_embed(pos, grid)
    return {"model": state, "optimizer": {"state": {}, "param_groups": []}, "config": {"image_res": 32}, "epoch": 4}


@pytest.mark.parametrize("pretraining", [False, True])
def test_official_checkpoint_layout_loads(tmp_path, pretraining):
    model = tiny_model(seed=5)
    path = tmp_path / "ckpt.pth"
    torch.save(official_layout(model, pretraining), path)
    loaded, unused = load_albef(path, preset("tiny"))
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    assert any(k.startswith("visual_encoder_m.") for k in unused)


def test_position_embedding_is_interpolated_like_albef():
    pos = torch.randn(1, 1 + 2 * 2, 8)
    out = interpolate_pos_embed(pos, 4)
    assert out.shape == (1, 17, 8) and torch.equal(out[:, 0], pos[:, 0])
    expected = torch.nn.functional.interpolate(pos[:, 1:].reshape(1, 2, 2, 8).permute(0, 3, 1, 2), size=(4, 4),
                                               mode="bicubic", align_corners=False)
    assert torch.allclose(out[:, 1:], expected.permute(0, 2, 3, 1).reshape(1, 16, 8))


def test_checkpoint_missing_weights_is_an_error(tmp_path):
    state = tiny_model().state_dict()
    del state["itm_head.weight"]
    torch.save({"model": state}, tmp_path / "bad.pth")
    with pytest.raises(CheckpointError, match="itm_head.weight"):
        load_albef(tmp_path / "bad.pth", preset("tiny"))


class Payload:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_checkpoints_load_with_weights_only(tmp_path):
    path = tmp_path / "evil.pth"
    with open(path, "wb") as handle:
        pickle.dump({"model": Payload()}, handle)
    with pytest.raises(CheckpointError, match="weights_only"):
        load_albef(path, preset("tiny"))


def test_text_encoder_matches_hugging_face_bert():
    """The text-only layers ('text' mode) are BERT: same keys and numbers as transformers' BertModel."""
    from transformers import BertConfig, BertModel

    model = tiny_model()
    cfg = model.config
    hf = BertModel(BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.text_width, num_hidden_layers=cfg.fusion_layer,
                              num_attention_heads=cfg.text_heads, intermediate_size=cfg.text_intermediate,
                              max_position_embeddings=cfg.max_position_embeddings, layer_norm_eps=cfg.text_eps,
                              hidden_act="gelu", attn_implementation="eager"), add_pooling_layer=False).eval()
    ours = {k: v for k, v in model.text_encoder.state_dict().items()
            if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < cfg.fusion_layer}
    missing, unexpected = hf.load_state_dict(ours, strict=False)
    assert unexpected == [] and all("position_ids" in k for k in missing)
    ids = torch.randint(5, cfg.vocab_size, (2, 6))
    mask = torch.tensor([[1] * 6, [1] * 4 + [0] * 2])
    with torch.no_grad():
        want = hf(input_ids=ids, attention_mask=mask).last_hidden_state
        got = model.text_encoder(ids, mask, mode="text")
    assert_close(got[mask == 1], want[mask == 1], what="text encoder")


def test_model_trains_with_dropout():
    """The modules are trainable: dropout on in train mode, gradients reach every parameter."""
    torch.manual_seed(0)
    model = ALBEF(preset("tiny", hidden_dropout=0.5))
    init_weights(model)
    model.train()
    pixels = torch.randn(2, 3, 32, 32)
    ids = torch.randint(5, 400, (2, 5))
    mask = torch.ones(2, 5, dtype=torch.long)
    embeds = model.encode_image(pixels)
    a = model.itm_logits(embeds, ids, mask)
    b = model.itm_logits(embeds, ids, mask)
    assert not torch.equal(a, b)
    image_feat, text_feat = model.itc_features(embeds, ids, mask)
    (a.sum() + (image_feat @ text_feat.t() / model.temp).sum()).backward()
    assert all(p.grad is not None for n, p in model.named_parameters()), "every parameter gets a gradient"
