"""`python -m models.export albef ...`: an ALBEF or ALBEF-AMC checkpoint (or random weights) to a model folder."""

from __future__ import annotations

import torch

from ..core.card import CLIP_MEAN, CLIP_STD, graph_card, provenance, write_card
from ..core.checkpoint import load_strict, load_torch_file, sha256_of, state_dict_of
from ..core.family import ExportRequest, ExportResult, Log, Timer, peak_rss_mb, resolve_config
from ..core.fusion_export import export_fusion_graphs
from ..core.graph_export import ATTENTION_OPSET
from ..core.tokenizer_files import TokenizerError, TokenizerFiles, build_bert_tokenizer, load_tokenizer
from .checkpoint import albef_state_dict, infer_config
from .graphs import AlbefCam, AlbefImageGraph, cam_spec
from .model import ALBEF, PRESETS, AlbefConfig, init_weights
from .reference import albef_reference_gradcam

# key under which this project's training code stores the AlbefConfig next to the weights
CONFIG_KEY = "groundcam_config"


def build_model(request: ExportRequest, log: Log) -> tuple[ALBEF, str | None, dict]:
    """The model, the checkpoint's sha256 (None for random weights), and the config used."""
    overrides = resolve_config(request, PRESETS)
    if request.checkpoint is None:
        cfg = AlbefConfig.from_dict(overrides)
        torch.manual_seed(request.seed)
        model = ALBEF(cfg)
        init_weights(model)
        log(f"random ALBEF weights (seed {request.seed})")
        return model.eval(), None, cfg.to_dict()
    log(f"reading {request.checkpoint}")
    raw = load_torch_file(request.checkpoint)
    if isinstance(raw, dict) and isinstance(raw.get(CONFIG_KEY), dict):
        overrides = {**raw[CONFIG_KEY], **overrides}
    state = albef_state_dict(state_dict_of(raw, request.checkpoint), AlbefConfig.from_dict(overrides))
    cfg = infer_config(state, AlbefConfig.from_dict(overrides))
    model = ALBEF(cfg)
    unused = load_strict(model, state, str(request.checkpoint))
    if unused:
        groups = sorted({k.split(".")[0] for k in unused})
        log(f"ignored {len(unused)} checkpoint tensors not used for grounding ({', '.join(groups)})")
    return model.eval(), sha256_of(request.checkpoint), cfg.to_dict()


def build_tokenizer(request: ExportRequest, cfg: AlbefConfig) -> TokenizerFiles:
    if request.tokenizer is not None:
        tok = load_tokenizer(request.tokenizer)
    elif request.checkpoint is None:
        tok = build_bert_tokenizer(cfg.vocab_size)
    else:
        raise TokenizerError("ALBEF checkpoints use bert-base-uncased's WordPiece vocabulary: pass "
                             "--tokenizer path/to/vocab.txt (or a tokenizer.json, or a folder holding either)")
    size = tok.tokenizer.get_vocab_size(with_added_tokens=True)
    if size > cfg.vocab_size:
        raise TokenizerError(f"the tokenizer has {size} tokens, the model's vocabulary {cfg.vocab_size}")
    return tok


def export_albef(request: ExportRequest, log: Log = print) -> ExportResult:
    clock = Timer()
    model, sha, config = build_model(request, log)
    model.requires_grad_(False)
    cfg = model.config
    spec = cam_spec(model, request.layer)
    tok = build_tokenizer(request, cfg)
    out = request.out
    out.mkdir(parents=True, exist_ok=True)

    image_graph = AlbefImageGraph(model, spec, fused_attention=request.opset >= ATTENTION_OPSET).eval()
    graphs = export_fusion_graphs(
        image_graph, AlbefCam(model, spec),
        lambda pixels, ids, mask: albef_reference_gradcam(model, pixels, ids, mask, spec.cam_layer),
        spec, cfg.image_size, cfg.vocab_size, tok, out, request.opset, request.seed, log)
    image, cam = graphs.image, graphs.cam
    size, grid, heads = cfg.image_size, cfg.grid, cfg.text_heads

    tokenizer_file, tokenizer_config = tok.write(out)
    name = request.name or out.name
    variant = request.variant or "albef"
    layer_name = f"text_encoder.encoder.layer.{spec.cam_layer}.crossattention.self"
    card = {
        "schema": "groundcam/model@1",
        "name": name,
        "family": "albef",
        "variant": variant,
        "method": "attention-gradcam",
        "image": {"size": [size, size], "resize": "bicubic", "crop": "none", "mean": CLIP_MEAN, "std": CLIP_STD,
                  "rescale": 1 / 255},
        "text": {"tokenizer": tokenizer_file, "tokenizer_config": tokenizer_config,
                 "max_length": cfg.max_position_embeddings, "clean": "albef", "max_words": 30, "first_token": None,
                 "pad_id": tok.config["pad_token_id"], "padding": "longest"},
        "cam": {"layer": spec.cam_layer, "layer_name": layer_name, "grid": [grid, grid], "tokens": "all",
                "heads": heads},
        "score": "ITM logit of the match class (itm_head output 1), as ALBEF Grounding.py back-propagates",
        "graphs": {
            "image": graph_card(image, "once per image"),
            "cam": graph_card(cam, "per batch of phrases; inputs cross_k_*/cross_v_* are the image graph's outputs"),
        },
        "provenance": provenance(str(request.checkpoint) if request.checkpoint else None, sha, request.opset, config,
                                 seed=request.seed if request.checkpoint is None else None),
    }
    write_card(card, out)
    return ExportResult(out, card, {"image": image, "cam": cam}, clock(), peak_rss_mb())

