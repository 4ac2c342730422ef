"""CLIP: gScoreCAM over the exported ResNet graphs against gScoreCAM computed the way the gScoreCAM
repository computes it; GradCAM over the exported Hugging Face ViT graphs against pytorch-grad-cam's
GradCAM on the Hugging Face model; the tokenizer and the TorchScript weight reader."""

from __future__ import annotations

import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from models.clip.bpe import EOT, SOT, byte_symbols, clip_tokenizer, learn_merges, load_bpe, read_merges, write_merges
from models.clip.gscorecam import gscorecam_from_graphs, gscorecam_reference
from models.clip.hf_vit import PRESETS as VIT_PRESETS, clip_vit_reference_gradcam, random_clip_vit
from models.clip.openai_model import PRESETS, CLIPResNet, ClipResNetConfig
from models.core.card import validate_card
from models.core.checkpoint import CheckpointError, sha256_of
from models.core.graph_export import non_standard_nodes, ort_session
from models.core.random_init import init_random
from models.core.tokenizer_files import COMMON_WORDS, load_tokenizer
from models.core.torchscript_weights import read_torchscript_tensors

from .conftest import assert_close, load_card, run_export

PHRASES = ["a photo of a dog", "the man on the left wearing a red hat", "cup"]
TOPK = 16


def tiny_resnet(seed: int = 7) -> CLIPResNet:
    torch.manual_seed(seed)
    model = init_random(CLIPResNet(ClipResNetConfig.from_dict(PRESETS["rn-tiny"])), seed).eval()
    with torch.no_grad():
        model.logit_scale.fill_(float(np.log(100.0)))
    return model


@pytest.fixture(scope="session")
def openai_files(tmp_path_factory) -> dict[str, Path]:
    """An OpenAI-style release: a TorchScript archive of a float16 model, and a gzipped merges file."""
    folder = tmp_path_factory.mktemp("openai")
    model = tiny_resnet()
    half = tiny_resnet().half()
    scripted = torch.jit.trace(model, (torch.randn(1, 3, 96, 96), torch.tensor([[528] + [5] * 5 + [529] + [0] * 70])),
                               check_trace=False)
    scripted.half()
    torch.jit.save(scripted, str(folder / "RN-tiny.pt"))
    write_merges(learn_merges(COMMON_WORDS * 3, 530 - 514), folder / "bpe_tiny.txt.gz")
    torch.save(half.state_dict(), folder / "reference_state.pt")
    return {"archive": folder / "RN-tiny.pt", "bpe": folder / "bpe_tiny.txt.gz", "state": folder / "reference_state.pt"}


@pytest.fixture(scope="session")
def rn_folder(tmp_path_factory, openai_files) -> Path:
    out = tmp_path_factory.mktemp("clip") / "clip-rn-tiny"
    run_export(["clip", "--checkpoint", str(openai_files["archive"]), "--bpe", str(openai_files["bpe"]),
                "--topk", str(TOPK), "--config", '{"vision_heads": 2, "text_heads": 2}', "--out", str(out)])
    return out


def reference_resnet(openai_files) -> CLIPResNet:
    """The released weights as OpenAI's clip.load(device='cpu') runs them: float16 values in float32."""
    model = CLIPResNet(ClipResNetConfig.from_dict(PRESETS["rn-tiny"]))
    state = torch.load(openai_files["state"], weights_only=True)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model.eval()


def sessions(folder: Path):
    card = load_card(folder)
    graphs = {name: ort_session(folder / g["file"]) for name, g in card["graphs"].items()}

    def run_image(pixels):
        acts, embeds = graphs["image"].run(None, {"pixel_values": pixels.numpy().astype(np.float32)})
        return torch.from_numpy(acts), torch.from_numpy(embeds)

    def run_text(ids):
        return torch.from_numpy(graphs["text"].run(None, {"input_ids": ids.numpy()})[0])

    def run_grad(acts, index, text):
        out = graphs["grad"].run(None, {"activations": acts.numpy(), "image_index": index.numpy(), "text_embeds": text.numpy()})
        return tuple(torch.from_numpy(o) for o in out)

    return card, run_image, run_text, run_grad


def tokens(folder: Path, phrases: list[str]) -> torch.Tensor:
    card = load_card(folder)
    ids, _ = load_tokenizer(folder / "tokenizer.json").encode_batch(phrases, max_length=77, pad_to=card["text"]["max_length"])
    return torch.tensor(ids)


@pytest.mark.parametrize("phrase", PHRASES)
def test_gscorecam_over_graphs_equals_reference(rn_folder, openai_files, phrase):
    model = reference_resnet(openai_files)
    card, run_image, run_text, run_grad = sessions(rn_folder)
    pixels = torch.randn(1, 3, 96, 96, generator=torch.Generator().manual_seed(len(phrase)))
    ids = tokens(rn_folder, [phrase])
    want = gscorecam_reference(model, pixels, ids, topk=card["cam"]["topk"])
    got = gscorecam_from_graphs(run_image, run_text, run_grad, pixels, ids, card["cam"]["topk"], card["cam"]["logit_scale"])
    assert got["indices"].tolist() == want["indices"].tolist()
    for key in ("score", "importance", "masked_scores", "weights", "cam_raw"):
        assert_close(got[key], want[key], what=key)
    # min-max normalisation amplifies the error by max / (max - min) of the raw map
    raw = want["cam_raw"]
    amplification = float(raw.max() / (raw.max() - raw.min()))
    assert_close(got["cam"], want["cam"], rtol=1e-5 * max(1.0, amplification), what="cam")


def test_gradient_graph_batches_phrases_over_images(rn_folder, openai_files):
    """B phrases over I images (I != B) in one run equal one run per pair."""
    _, run_image, run_text, run_grad = sessions(rn_folder)
    pixels = torch.randn(2, 3, 96, 96, generator=torch.Generator().manual_seed(0))
    acts, embeds = run_image(pixels)
    text = run_text(tokens(rn_folder, PHRASES))
    index = torch.tensor([1, 0, 1])
    score, grad, importance = run_grad(acts, index, text)
    model = reference_resnet(openai_files)
    for b in range(3):
        ref = gscorecam_reference(model, pixels[index[b]][None], tokens(rn_folder, [PHRASES[b]]), topk=1)
        assert_close(score[b], ref["score"], what="score")
        assert_close(grad[b], ref["grad"], what="grad")
        assert_close(importance[b], ref["importance"], what="importance")
    with torch.no_grad():
        want = model.encode_image(pixels)
    assert_close(embeds, torch.nn.functional.normalize(want, dim=-1), what="image embeds")


def test_resnet_card(rn_folder, openai_files):
    card = load_card(rn_folder)
    validate_card(card, rn_folder)
    assert set(card["graphs"]) == {"image", "text", "grad"} and card["method"] == "gscorecam"
    for graph in card["graphs"].values():
        assert non_standard_nodes(onnx.load(str(rn_folder / graph["file"]))) == []
    assert card["cam"]["topk"] == TOPK and card["cam"]["channels"] == 64 and card["cam"]["logit_scale"] == pytest.approx(100.0, rel=1e-3)
    assert card["provenance"]["checkpoint_sha256"] == sha256_of(openai_files["archive"])
    assert card["image"]["resize"] == "bilinear" and card["text"]["padding"] == "max_length"


def test_torchscript_archive_is_read_without_running_it(openai_files):
    tensors = read_torchscript_tensors(openai_files["archive"])
    state = torch.load(openai_files["state"], weights_only=True)
    for key, value in state.items():
        assert torch.equal(tensors[key], value), key


def test_torchscript_reader_refuses_other_globals(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("never",))

    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("evil/data.pkl", pickle.dumps({"x": Evil()}, protocol=2))
        archive.writestr("evil/constants.pkl", pickle.dumps(()))
    with pytest.raises(CheckpointError, match=r"refusing global (__builtin__|builtins)\.print"):
        read_torchscript_tensors(path)


def test_bpe_tokenizer_matches_transformers(tmp_path, openai_files):
    """OpenAI's vocabulary layout and rules: the same ids as transformers' CLIPTokenizer over the same files."""
    from transformers import CLIPTokenizer

    merges = read_merges(openai_files["bpe"])
    symbols = byte_symbols()
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + [SOT, EOT]
    (tmp_path / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}))
    (tmp_path / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    reference = CLIPTokenizer(str(tmp_path / "vocab.json"), str(tmp_path / "merges.txt"))
    ours = load_bpe(openai_files["bpe"]).tokenizer
    for text in PHRASES + ["The MAN, on the left!", "it's a dog's  life\t ok", "naïve café 123"]:
        assert ours.encode(text).ids == reference(text)["input_ids"], text
    assert symbols[64] == "a" and len(set(symbols)) == 256  # OpenAI's order: '!' first, so 'a' is 64


# ------------------------------------------------------------------------------------------------
# Hugging Face CLIP ViT


@pytest.fixture(scope="session")
def vit_checkpoint(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clip-hf") / "clip-vit-tiny"
    random_clip_vit(VIT_PRESETS["vit-tiny"], 11).save_pretrained(str(folder))
    tok = clip_tokenizer(learn_merges(COMMON_WORDS * 3, 16), "test")
    tok.config["pad_token"] = EOT
    tok.config["pad_token_id"] = tok.token_id(EOT)
    tok.write(folder)
    return folder


@pytest.fixture(scope="session")
def vit_folder(tmp_path_factory, vit_checkpoint) -> Path:
    out = tmp_path_factory.mktemp("clip-vit") / "clip-vit-tiny"
    run_export(["clip", "--checkpoint", str(vit_checkpoint), "--out", str(out)])
    return out


@pytest.mark.parametrize("n_images,phrases,index", [
    (1, PHRASES[:1], [0]),
    (2, PHRASES, [1, 0, 1]),
    (3, PHRASES[1:], [2, 0]),
])
def test_vit_gradcam_graphs_equal_pytorch_grad_cam(vit_checkpoint, vit_folder, n_images, phrases, index):
    from transformers import CLIPModel

    model = CLIPModel.from_pretrained(str(vit_checkpoint), local_files_only=True).eval()
    card = load_card(vit_folder)
    image, cam_graph = ort_session(vit_folder / "image.onnx"), ort_session(vit_folder / "cam.onnx")
    pixels = torch.randn(n_images, 3, 32, 32, generator=torch.Generator().manual_seed(n_images))
    pad = card["text"]["pad_id"]
    ids, mask = load_tokenizer(vit_folder / "tokenizer.json").encode_batch(phrases, max_length=77)
    ids, mask = torch.tensor(ids), torch.tensor(mask)
    (hidden,) = image.run(None, {"pixel_values": pixels.numpy()})
    image_index = torch.tensor(index)
    score, cam = cam_graph.run(None, {"hidden": hidden, "image_index": image_index.numpy(), "input_ids": ids.numpy(),
                                      "attention_mask": mask.numpy()})
    ref_score, ref_cam = clip_vit_reference_gradcam(model, pixels[image_index], ids, mask, card["cam"]["layer"])
    assert cam.shape == (len(phrases), 1, 4, 4) and pad == 529
    assert_close(score, ref_score.numpy(), what="score")
    assert_close(cam, ref_cam.numpy(), what="cam")


def test_vit_card(vit_checkpoint, vit_folder):
    card = load_card(vit_folder)
    validate_card(card, vit_folder)
    assert card["method"] == "gradcam" and card["cam"]["layer"] == 1
    assert card["cam"]["layer_name"] == "vision_model.encoder.layers.1.layer_norm1"
    for graph in card["graphs"].values():
        assert non_standard_nodes(onnx.load(str(vit_folder / graph["file"]))) == []
    assert card["provenance"]["checkpoint_sha256"] == sha256_of(vit_checkpoint / "model.safetensors")
