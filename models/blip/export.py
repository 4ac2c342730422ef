"""`python -m models.export blip ...`: a Hugging Face BlipForImageTextRetrieval folder (or random weights)
to a model folder."""

from __future__ import annotations

from pathlib import Path

from ..core.card import CLIP_MEAN, CLIP_STD, graph_card, provenance, write_card
from ..core.family import ExportRequest, ExportResult, Log, Timer, peak_rss_mb, resolve_config
from ..core.fusion_export import export_fusion_graphs
from ..core.graph_export import ATTENTION_OPSET
from ..core.tokenizer_files import TokenizerError, TokenizerFiles, build_wordpiece_vocab, bert_tokenizer, load_tokenizer
from .graphs import BlipCam, BlipImageGraph, cam_spec
from .model import PRESETS, load_blip, random_blip
from .reference import blip_reference_gradcam

# LAVIS BlipITM: max_txt_len 35; BlipCaptionProcessor: max_words 50
MAX_LENGTH = 35
MAX_WORDS = 50


def build_model(request: ExportRequest, log: Log):
    """(model, sha256 of the weights or None, config dict, checkpoint path or None)."""
    if request.checkpoint is None:
        values = resolve_config(request, PRESETS)
        log(f"random BLIP weights (seed {request.seed})")
        model = random_blip(values, request.seed)
        return model, None, model.config.to_dict()
    if request.config:
        raise ValueError("--config applies to random weights only; a BLIP checkpoint folder carries its config.json")
    log(f"reading {request.checkpoint}")
    model, sha, weights = load_blip(request.checkpoint)
    return model, sha, model.config.to_dict()


def with_enc_token(tok: TokenizerFiles, vocab_size: int) -> TokenizerFiles:
    """LAVIS's BLIP tokenizer: bert-base-uncased plus the special tokens [DEC] (bos) and [ENC]
    (ids 30522 and 30523 in the released models); add them where the tokenizer lacks them."""
    added = [t for t in ("[DEC]", "[ENC]") if tok.tokenizer.token_to_id(t) is None]
    if added:
        tok.tokenizer.add_special_tokens(added)
    enc = tok.token_id("[ENC]")
    if enc >= vocab_size:
        raise TokenizerError(f"[ENC] has id {enc}, outside the model's vocabulary of {vocab_size}: "
                             "is this BLIP's tokenizer (bert-base-uncased + [DEC], [ENC])?")
    tok.config["bos_token"] = "[DEC]"
    tok.config["additional_special_tokens"] = ["[ENC]"]
    return tok


def build_tokenizer(request: ExportRequest, vocab_size: int) -> TokenizerFiles:
    if request.tokenizer is not None:
        tok = load_tokenizer(request.tokenizer)
    elif request.checkpoint is not None:
        tok = load_tokenizer(Path(request.checkpoint))
    else:
        tok = bert_tokenizer(build_wordpiece_vocab(vocab_size - 2), source=f"built vocabulary of {vocab_size - 2} tokens")
    return with_enc_token(tok, vocab_size)


def export_blip(request: ExportRequest, log: Log = print) -> ExportResult:
    clock = Timer()
    model, sha, config = build_model(request, log)
    model.requires_grad_(False)
    spec = cam_spec(model, request.layer)
    text_cfg, vision_cfg = model.config.text_config, model.config.vision_config
    if text_cfg.hidden_act != "gelu":
        raise ValueError(f"BLIP text hidden_act {text_cfg.hidden_act!r}: only 'gelu' is supported")
    tok = build_tokenizer(request, text_cfg.vocab_size)
    out = request.out
    out.mkdir(parents=True, exist_ok=True)
    size = vision_cfg.image_size

    image_graph = BlipImageGraph(model, spec, fused_attention=request.opset >= ATTENTION_OPSET).eval()
    graphs = export_fusion_graphs(
        image_graph, BlipCam(model, spec),
        lambda pixels, ids, mask: blip_reference_gradcam(model, pixels, ids, mask, spec.cam_layer),
        spec, size, text_cfg.vocab_size, tok, out, request.opset, request.seed, log, first_token="[ENC]")

    tokenizer_file, tokenizer_config = tok.write(out)
    variant = request.variant or ("blip-large" if vision_cfg.hidden_size >= 1024 else "blip-base")
    gh, gw = spec.grid
    card = {
        "schema": "groundcam/model@1",
        "name": request.name or out.name,
        "family": "blip",
        "variant": variant,
        "method": "attention-gradcam",
        "image": {"size": [size, size], "resize": "bicubic", "crop": "none", "mean": CLIP_MEAN, "std": CLIP_STD,
                  "rescale": 1 / 255},
        "text": {"tokenizer": tokenizer_file, "tokenizer_config": tokenizer_config, "max_length": MAX_LENGTH,
                 "clean": "blip", "max_words": MAX_WORDS, "first_token": "[ENC]", "pad_id": tok.config["pad_token_id"],
                 "padding": "longest"},
        "cam": {"layer": spec.cam_layer, "layer_name": f"text_encoder.encoder.layer.{spec.cam_layer}.crossattention.self",
                "grid": [gh, gw], "tokens": "words", "heads": spec.num_heads},
        "score": "ITM logit of the match class (itm_head output 1) with [ENC] first, as LAVIS compute_gradcam",
        "graphs": {
            "image": graph_card(graphs.image, "once per image"),
            "cam": graph_card(graphs.cam, "per batch of phrases; inputs cross_k_*/cross_v_* are the image graph's outputs"),
        },
        "provenance": provenance(str(request.checkpoint) if request.checkpoint else None, sha, request.opset, config,
                                 seed=request.seed if request.checkpoint is None else None),
    }
    write_card(card, out)
    return ExportResult(out, card, {"image": graphs.image, "cam": graphs.cam}, clock(), peak_rss_mb())
