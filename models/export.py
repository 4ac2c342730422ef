"""Export a checkpoint to a groundcam model folder (ONNX graphs + model.json + tokenizer).

    python -m models.export albef --checkpoint refcoco.pth --tokenizer bert-base-uncased/vocab.txt \\
        --out models/build/albef-refcoco
    python -m models.export albef --random-init base --out models/build/albef-base-random
    python -m models.export blip --checkpoint path/to/blip-itm-base-coco --out models/build/blip-base
    python -m models.export clip --checkpoint RN50x16.pt --bpe bpe_simple_vocab_16e6.txt.gz --out models/build/clip-rn50x16
    python -m models.export clip --checkpoint path/to/clip-vit-base-patch16 --out models/build/clip-vit-b16

See models/README.md for where to get each checkpoint and what comes out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core.checkpoint import CheckpointError
from .core.family import ExportRequest
from .core.graph_export import DEFAULT_OPSET, GraphExportError
from .core.tokenizer_files import TokenizerError

FAMILIES = ("albef", "blip", "clip")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m models.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("family", choices=FAMILIES)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", type=Path,
                        help="albef: ALBEF/AMC .pth; blip: a Hugging Face BlipForImageTextRetrieval folder; "
                             "clip: OpenAI RN50x16.pt (or a state dict of it) or a Hugging Face CLIPModel folder")
    source.add_argument("--random-init", metavar="CONFIG",
                        help="random weights: a preset (albef: base, tiny; blip: base, large, tiny; clip: rn50x16, "
                             "rn-tiny, vit-b16, vit-tiny) or a JSON file of config fields")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write (created)")
    parser.add_argument("--config", help="JSON object or file overriding config fields (e.g. image_size)")
    parser.add_argument("--tokenizer", type=Path,
                        help="tokenizer.json, BERT vocab.txt, or a folder holding either (default: the checkpoint "
                             "folder for Hugging Face checkpoints; a built vocabulary for random weights)")
    parser.add_argument("--bpe", type=Path, help="clip (OpenAI layout): bpe_simple_vocab_16e6.txt.gz")
    parser.add_argument("--topk", type=int, help="clip gScoreCAM: channels kept (default 300, the paper's)")
    parser.add_argument("--layer", type=int,
                        help="CAM layer: text-encoder layer for albef (default 8) and blip (default 6, LAVIS "
                             "compute_gradcam's block_num)")
    parser.add_argument("--variant", help="label in model.json, e.g. albef-amc, blip-large (default from the family)")
    parser.add_argument("--name", help="model name in model.json (default: the folder's name)")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ONNX opset (default {DEFAULT_OPSET}, at least 17)")
    parser.add_argument("--seed", type=int, default=0, help="seed of random weights and example inputs")
    return parser


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.opset < 17:
        print("error: --opset must be at least 17 (LayerNormalization)", file=sys.stderr)
        return 2
    extra = {"bpe": args.bpe, "topk": args.topk}
    request = ExportRequest(family=args.family, out=args.out, checkpoint=args.checkpoint,
                            random_init=args.random_init, config=args.config, tokenizer=args.tokenizer,
                            layer=args.layer, opset=args.opset, seed=args.seed, name=args.name,
                            variant=args.variant, extra=extra)
    try:
        result = exporter(args.family)(request, log=lambda line: print(line, flush=True))
    except (CheckpointError, TokenizerError, GraphExportError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def exporter(family: str):
    if family == "albef":
        from .albef.export import export_albef
        return export_albef
    if family == "blip":
        from .blip.export import export_blip
        return export_blip
    from .clip.export import export_clip
    return export_clip


if __name__ == "__main__":
    sys.exit(run())
