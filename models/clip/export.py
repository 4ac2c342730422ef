"""`python -m models.export clip ...`: OpenAI CLIP ResNets for gScoreCAM (RN50x16.pt, the paper's setting)
and Hugging Face CLIP ViT folders for GradCAM."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from ..core.card import CLIP_MEAN, CLIP_STD, graph_card, provenance, write_card
from ..core.checkpoint import CheckpointError, load_strict, load_torch_file, sha256_of, state_dict_of
from ..core.family import ExportRequest, ExportResult, Log, Timer, check_parity, peak_rss_mb, read_json_arg, resolve_config
from ..core.graph_export import (ATTENTION_OPSET, TensorSpec, export_forward, pick_example_sizes,
                                 trace_with_gradients)
from ..core.random_init import init_random
from ..core.tokenizer_files import COMMON_WORDS, TokenizerError, TokenizerFiles, load_tokenizer
from .bpe import EOT, SOT, clip_tokenizer, learn_merges, load_bpe
from .gscorecam import ClipGrad, ClipImageGraph, ClipTextGraph, gscorecam_reference
from .hf_vit import (PRESETS as VIT_PRESETS, ClipVitCam, ClipVitImageGraph, clip_vit_reference_gradcam,
                     load_clip_vit, random_clip_vit)
from .openai_model import PRESETS as RN_PRESETS, CLIPResNet, ClipResNetConfig

# gScoreCAM's defaults (evaluate_cam.py: topk_channels 300; target layer visual.layer4[-1])
TOPK = 300
CONTEXT = 77


def export_clip(request: ExportRequest, log: Log = print) -> ExportResult:
    """Hugging Face folders and ViT configs (`vision_config`) go to GradCAM; OpenAI ResNets to gScoreCAM."""
    if request.random_init is not None:
        value = request.random_init
        if value in VIT_PRESETS:
            return export_clip_vit(request, log)
        if value in RN_PRESETS:
            return export_clip_resnet(request, log)
        if not (value.lstrip().startswith("{") or Path(value).is_file()):
            raise ValueError(f"--random-init {value}: neither a CLIP preset ({', '.join([*RN_PRESETS, *VIT_PRESETS])}) "
                             "nor a JSON file")
        vit = "vision_config" in read_json_arg(value)
        return export_clip_vit(request, log) if vit else export_clip_resnet(request, log)
    if Path(request.checkpoint).is_dir():
        return export_clip_vit(request, log)
    return export_clip_resnet(request, log)


# ------------------------------------------------------------------------------------------------
# OpenAI ResNet CLIP -> gScoreCAM graphs


def openai_config(state: dict[str, torch.Tensor]) -> ClipResNetConfig:
    """The architecture read off an OpenAI state dict, as OpenAI's build_model reads it."""
    if "visual.proj" in state:
        raise CheckpointError("this is an OpenAI CLIP ViT checkpoint; groundcam exports CLIP ViTs from Hugging Face "
                              "folders (e.g. openai/clip-vit-base-patch16) with GradCAM, and ResNets for gScoreCAM")
    try:
        layers = [len({k.split(".")[2] for k in state if k.startswith(f"visual.layer{b}.")}) for b in (1, 2, 3, 4)]
        width = state["visual.layer1.0.conv1.weight"].shape[0]
        grid = round((state["visual.attnpool.positional_embedding"].shape[0] - 1) ** 0.5)
        text_width = state["ln_final.weight"].shape[0]
        return ClipResNetConfig(
            embed_dim=state["text_projection"].shape[1], image_size=grid * 32, vision_layers=layers, vision_width=width,
            context_length=state["positional_embedding"].shape[0], vocab_size=state["token_embedding.weight"].shape[0],
            text_width=text_width, text_heads=text_width // 64,
            text_layers=len({k.split(".")[2] for k in state if k.startswith("transformer.resblocks.")}))
    except KeyError as error:
        raise CheckpointError(f"not an OpenAI CLIP ResNet state dict: no {error}") from error


def read_openai_state(path: Path) -> dict[str, torch.Tensor]:
    from ..core.torchscript_weights import is_torchscript_archive, read_torchscript_tensors

    if is_torchscript_archive(path):
        return read_torchscript_tensors(path)
    return state_dict_of(load_torch_file(path), path)


def build_resnet(request: ExportRequest, log: Log) -> tuple[CLIPResNet, str | None, dict]:
    overrides = resolve_config(request, RN_PRESETS)
    if request.checkpoint is None:
        cfg = ClipResNetConfig.from_dict(overrides)
        log(f"random CLIP ResNet weights (seed {request.seed})")
        torch.manual_seed(request.seed)
        model = CLIPResNet(cfg)
        init_random(model, request.seed)
        with torch.no_grad():
            model.logit_scale.fill_(float(torch.log(torch.tensor(100.0))))
        return model.eval(), None, cfg.to_dict()
    log(f"reading {request.checkpoint}")
    state = {k: v.float() if v.is_floating_point() else v for k, v in read_openai_state(Path(request.checkpoint)).items()}
    # head counts cannot be read off the weights: OpenAI's rule (width / 64), unless --config says otherwise
    cfg = ClipResNetConfig.from_dict({**openai_config(state).to_dict(), **overrides})
    model = CLIPResNet(cfg)
    load_strict(model, state, str(request.checkpoint))
    return model.eval(), sha256_of(request.checkpoint), cfg.to_dict()


def resnet_tokenizer(request: ExportRequest, cfg: ClipResNetConfig) -> TokenizerFiles:
    if request.tokenizer is not None:
        tok = load_tokenizer(request.tokenizer)
    elif request.extra.get("bpe") is not None:
        tok = load_bpe(request.extra["bpe"])
    elif request.checkpoint is None:
        merges = learn_merges(COMMON_WORDS * 3, max(0, min(cfg.vocab_size - 514, 2000)))
        tok = clip_tokenizer(merges, f"merges learnt from a built word list, {cfg.vocab_size} tokens", cfg.vocab_size)
    else:
        raise TokenizerError("OpenAI CLIP checkpoints need CLIP's merges file: pass --bpe bpe_simple_vocab_16e6.txt.gz "
                             "(from the openai/CLIP repository, clip/bpe_simple_vocab_16e6.txt.gz)")
    size = tok.tokenizer.get_vocab_size(with_added_tokens=True)
    if size != cfg.vocab_size or tok.token_id(EOT) != size - 1:
        raise TokenizerError(f"the tokenizer has {size} tokens (end token {tok.token_id(EOT)}); the model expects "
                             f"{cfg.vocab_size} with <|endoftext|> last")
    return tok


def example_tokens(tok: TokenizerFiles, phrases: list[str], context: int) -> torch.Tensor:
    ids, _ = tok.encode_batch(phrases, max_length=context, pad_to=context)
    return torch.tensor(ids)


PHRASES = ["a photo of a dog", "the man on the left wearing a red hat", "cup", "two people sitting next to the big black horse",
           "a small white cat"]


def phrases(n: int) -> list[str]:
    return [PHRASES[i % len(PHRASES)] for i in range(n)]


def export_clip_resnet(request: ExportRequest, log: Log) -> ExportResult:
    clock = Timer()
    model, sha, config = build_resnet(request, log)
    model.requires_grad_(False)
    cfg = model.config
    tok = resnet_tokenizer(request, cfg)
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    size, grid, channels, embed = cfg.image_size, cfg.grid, cfg.channels, cfg.embed_dim
    sizes = pick_example_sizes(["I", "B"], [channels, grid, embed, 3, size, CONTEXT])
    gen = torch.Generator().manual_seed(request.seed + 1)
    pixels = torch.randn(sizes["I"], 3, size, size, generator=gen)

    image_graph = ClipImageGraph(model).eval()
    log(f"exporting the image graph (ResNet at {size} px -> layer4 activations [{channels}, {grid}, {grid}])")
    act_spec = TensorSpec("activations", "float32", ["I", channels, grid, grid], "output of visual.layer4 (gScoreCAM's target layer)")
    emb_spec = TensorSpec("image_embeds", "float32", ["I", embed], "unit-length image embedding")
    image = export_forward(image_graph, (pixels,), [TensorSpec("pixel_values", "float32", ["I", 3, size, size])],
                           [act_spec, emb_spec], out / "image.onnx", opset=request.opset, check_args=[(pixels[:1],)])

    text_graph = ClipTextGraph(model).eval()
    ids = example_tokens(tok, phrases(sizes["B"]), CONTEXT)
    log("exporting the text graph")
    text = export_forward(text_graph, (ids,), [TensorSpec("input_ids", "int64", ["B", CONTEXT], f"padded with {tok.config['pad_token_id']} to {CONTEXT}")],
                          [TensorSpec("text_embeds", "float32", ["B", embed], "unit-length text embedding")],
                          out / "text.onnx", opset=request.opset, check_args=[(ids[:1],)])

    with torch.no_grad():
        activations, _ = image_graph(pixels)
        text_embeds = text_graph(ids)
    grad_fn = ClipGrad(model)
    index = torch.randint(0, sizes["I"], (sizes["B"],), generator=gen)
    log("tracing the gradient graph")
    traced = trace_with_gradients(grad_fn, (activations, index, text_embeds))
    grad = export_forward(
        traced, (activations, index, text_embeds),
        [act_spec, TensorSpec("image_index", "int64", ["B"], "which of the I images each phrase belongs to"),
         TensorSpec("text_embeds", "float32", ["B", embed], "the text graph's output")],
        [TensorSpec("score", "float32", ["B"], "CLIP logit: logit_scale * cos(image, text)"),
         TensorSpec("grad", "float32", ["B", channels, grid, grid], "d score / d activations"),
         TensorSpec("importance", "float32", ["B", channels], "spatial mean of grad: gScoreCAM's channel ranking")],
        out / "grad.onnx", opset=request.opset, reference=grad_fn,
        check_args=[(activations[:1], torch.tensor([0]), text_embeds[:1])])

    # the gradient graph against the reference's hooks + backward on the full model
    ref = gscorecam_reference(model, pixels[:1], ids[:1], topk=1)
    got = grad_fn(activations[:1], torch.tensor([0]), text_embeds[:1])
    check_parity("CLIP gradient graph", (got[0], got[1][0], got[2][0]), (ref["score"][None], ref["grad"], ref["importance"]), 1e-4)

    tokenizer_file, tokenizer_config = tok.write(out)
    layer_name = f"visual.layer4.{len(model.visual.layer4) - 1}"
    card = {
        "schema": "groundcam/model@1",
        "name": request.name or out.name,
        "family": "clip",
        "variant": request.variant or ("clip-rn50x16" if config == ClipResNetConfig().to_dict() else "clip-resnet"),
        "method": "gscorecam",
        # gScoreCAM's load_clip(resize='adapt') squashes the image to the model size (torchvision Resize of
        # a (size, size) tuple: bilinear), so CLIP's own resize-and-centre-crop changes nothing afterwards
        "image": {"size": [size, size], "resize": "bilinear", "crop": "none", "mean": CLIP_MEAN, "std": CLIP_STD,
                  "rescale": 1 / 255},
        "text": {"tokenizer": tokenizer_file, "tokenizer_config": tokenizer_config, "max_length": CONTEXT,
                 "clean": "clip", "first_token": None, "pad_id": tok.config["pad_token_id"], "padding": "max_length"},
        "cam": {"layer": "visual.layer4", "layer_name": layer_name, "grid": [grid, grid], "tokens": "all",
                "topk": min(request.extra.get("topk") or TOPK, channels), "channels": channels, "logit_scale": float(model.logit_scale.exp())},
        "score": "CLIP logit: logit_scale * cos(image embedding, text embedding)",
        "graphs": {
            "image": graph_card(image, "once per image; again for gScoreCAM's masked images (image_embeds only)"),
            "text": graph_card(text, "once per phrase"),
            "grad": graph_card(grad, "once per phrase: inputs activations (image graph), text_embeds (text graph)"),
        },
        "provenance": provenance(str(request.checkpoint) if request.checkpoint else None, sha, request.opset, config,
                                 seed=request.seed if request.checkpoint is None else None,
                                 notes="computed in float32; OpenAI's released weights are float16"),
    }
    write_card(card, out)
    return ExportResult(out, card, {"image": image, "text": text, "grad": grad}, clock(), peak_rss_mb())


# ------------------------------------------------------------------------------------------------
# Hugging Face CLIP ViT -> GradCAM graphs


def vit_preprocessing(folder: Path | None, size: int) -> dict:
    """model.json `image` from the folder's preprocessor_config.json (CLIPImageProcessor), else CLIP's
    defaults: shorter side to `size` (bicubic), centre crop, CLIP mean/std."""
    image = {"size": [size, size], "resize": "bicubic", "crop": "center", "mean": CLIP_MEAN, "std": CLIP_STD,
             "rescale": 1 / 255}
    path = folder / "preprocessor_config.json" if folder else None
    if path and path.is_file():
        pre = json.loads(path.read_text())
        crop = pre.get("crop_size", size)
        crop = crop.get("height", size) if isinstance(crop, dict) else crop
        image.update(size=[crop, crop], crop="center" if pre.get("do_center_crop", True) else "none",
                     resize={2: "bilinear", 3: "bicubic"}.get(pre.get("resample", 3), "bicubic"),
                     mean=pre.get("image_mean", CLIP_MEAN), std=pre.get("image_std", CLIP_STD),
                     rescale=pre.get("rescale_factor", 1 / 255))
    return image


def vit_tokenizer(request: ExportRequest, model) -> TokenizerFiles:
    vocab = model.config.text_config.vocab_size
    if request.tokenizer is not None:
        tok = load_tokenizer(request.tokenizer)
    elif request.checkpoint is not None:
        tok = load_tokenizer(Path(request.checkpoint) / "tokenizer.json")
    else:
        merges = learn_merges(COMMON_WORDS * 3, max(0, min(vocab - 514, 2000)))
        tok = clip_tokenizer(merges, f"merges learnt from a built word list, {vocab} tokens", vocab)
        tok.config.update(pad_token=EOT, pad_token_id=tok.token_id(EOT))  # as openai/clip-vit-base-patch16
    if tok.tokenizer.get_vocab_size(with_added_tokens=True) > vocab:
        raise TokenizerError("the tokenizer's vocabulary is larger than the model's")
    if request.checkpoint is not None and tok.tokenizer.token_to_id(SOT) is None:
        raise TokenizerError("not a CLIP tokenizer (no <|startoftext|>)")
    return tok


def export_clip_vit(request: ExportRequest, log: Log) -> ExportResult:
    clock = Timer()
    if request.checkpoint is None:
        values = resolve_config(request, VIT_PRESETS)
        log(f"random CLIP ViT weights (seed {request.seed})")
        model, sha = random_clip_vit(values, request.seed), None
    else:
        log(f"reading {request.checkpoint}")
        model, sha = load_clip_vit(Path(request.checkpoint))
    model.requires_grad_(False)
    config = model.config.to_dict()
    vision = model.config.vision_config
    n_layers = vision.num_hidden_layers
    layer = n_layers - 1 if request.layer is None else request.layer
    if not 0 <= layer < n_layers:
        raise ValueError(f"--layer {layer} is not a vision block (0..{n_layers - 1})")
    tok = vit_tokenizer(request, model)
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    size, width = vision.image_size, vision.hidden_size
    gh = gw = size // vision.patch_size
    tokens = gh * gw + 1
    sizes = pick_example_sizes(["I", "B", "T"], [tokens, width, 3, size, gh])
    gen = torch.Generator().manual_seed(request.seed + 1)
    pixels = torch.randn(sizes["I"], 3, size, size, generator=gen)

    image_graph = ClipVitImageGraph(model, layer, fused_attention=request.opset >= ATTENTION_OPSET).eval()
    hidden_spec = TensorSpec("hidden", "float32", ["I", tokens, width], f"hidden states entering vision block {layer}")
    log(f"exporting the image graph (ViT at {size} px, up to block {layer})")
    image = export_forward(image_graph, (pixels,), [TensorSpec("pixel_values", "float32", ["I", 3, size, size])],
                           [hidden_spec], out / "image.onnx", opset=request.opset, check_args=[(pixels[:1],)])
    with torch.no_grad():
        hidden = image_graph(pixels)
    pad = tok.config["pad_token_id"]
    # truncation keeps the end token last, so every example row holds one
    ids, mask = tok.encode_batch(phrases(sizes["B"]), max_length=sizes["T"], pad_to=sizes["T"])
    ids, mask = torch.tensor(ids), torch.tensor(mask)
    index = torch.randint(0, sizes["I"], (sizes["B"],), generator=gen)
    cam_fn = ClipVitCam(model, layer)
    example = (hidden, index, ids, mask)
    log(f"tracing the CAM graph (GradCAM at vision_model.encoder.layers.{layer}.layer_norm1)")
    traced = trace_with_gradients(cam_fn, example)
    cam = export_forward(
        traced, example,
        [hidden_spec, TensorSpec("image_index", "int64", ["B"], "which of the I images each phrase belongs to"),
         TensorSpec("input_ids", "int64", ["B", "T"]), TensorSpec("attention_mask", "int64", ["B", "T"], "1 = token, 0 = padding")],
        [TensorSpec("score", "float32", ["B"], "CLIP logit: logit_scale * cos(image, text)"),
         TensorSpec("cam", "float32", ["B", 1, gh, gw], "relu(sum_d mean_patches(d score / d A_d) * A_d), not normalised")],
        out / "cam.onnx", opset=request.opset, reference=cam_fn,
        check_args=[(hidden[:1], torch.tensor([0]), ids[:1], mask[:1])])
    with torch.no_grad():
        got = cam_fn(hidden, index, ids, mask)
    want = clip_vit_reference_gradcam(model, pixels[index], ids, mask, layer)
    check_parity("CLIP ViT CAM graph vs pytorch-grad-cam GradCAM", got, want, 1e-4)

    tokenizer_file, tokenizer_config = tok.write(out)
    card = {
        "schema": "groundcam/model@1",
        "name": request.name or out.name,
        "family": "clip",
        "variant": request.variant or f"clip-vit-{vision.patch_size}",
        "method": "gradcam",
        "image": vit_preprocessing(Path(request.checkpoint) if request.checkpoint else None, size),
        "text": {"tokenizer": tokenizer_file, "tokenizer_config": tokenizer_config, "max_length": CONTEXT,
                 "clean": "clip", "first_token": None, "pad_id": pad, "padding": "max_length"},
        "cam": {"layer": layer, "layer_name": f"vision_model.encoder.layers.{layer}.layer_norm1", "grid": [gh, gw],
                "tokens": "all", "channels": width, "logit_scale": float(model.logit_scale.exp())},
        "score": "CLIP logit: logit_scale * cos(image embedding, text embedding)",
        "graphs": {
            "image": graph_card(image, "once per image"),
            "cam": graph_card(cam, "per batch of phrases; input hidden is the image graph's output"),
        },
        "provenance": provenance(str(request.checkpoint) if request.checkpoint else None, sha, request.opset, config,
                                 seed=request.seed if request.checkpoint is None else None),
    }
    write_card(card, out)
    return ExportResult(out, card, {"image": image, "cam": cam}, clock(), peak_rss_mb())
