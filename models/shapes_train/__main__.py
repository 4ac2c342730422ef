"""Train, evaluate and export the bundled model (models/albef-shapes/):

    python -m models.shapes_train --seed 0 --out models/albef-shapes

Generates the shapes train and val splits with the project's generator (`npm ci` first, for
bin/groundcam.js), trains on train, selects on val, reports val and test figures (the canonical test
split, seed 0, 200 images: reported, never used for training or selection), exports the checkpoint with
the project's exporter, checks the exported graphs against PyTorch, and writes training-log.json and
TRAINING.md into the model folder. Work files (data, checkpoint) go under --work (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

# OpenMP threads that wait passively: on a machine shared with other jobs, spinning threads of a
# descheduled partner stall every parallel region (steps took 2-10x longer here without this).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .train import MODEL_CONFIG, TrainConfig  # noqa: E402  (imports torch)

REPO = Path(__file__).resolve().parents[2]
TEST_SPLIT = dict(split="test", n=200, seed=0)  # what `groundcam eval` uses with no arguments
CHECKPOINT = "albef-shapes.pth"  # in --work


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    d = TrainConfig()
    p = argparse.ArgumentParser(prog="python -m models.shapes_train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=d.seed, help="seed of the weights' initialisation and the data order")
    p.add_argument("--out", type=Path, default=REPO / "models" / "albef-shapes", help="model folder to write")
    p.add_argument("--work", type=Path, default=REPO / "models" / "build" / "shapes-train",
                   help="generated data and the checkpoint (git-ignored)")
    p.add_argument("--data-seed", type=int, default=0, help="generator seed of the train and val splits")
    p.add_argument("--train-images", type=int, default=d.train_images)
    p.add_argument("--val-images", type=int, default=d.val_images)
    p.add_argument("--steps", type=int, default=d.steps)
    p.add_argument("--batch-images", type=int, default=d.batch_images)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--amc-weight", type=float, default=d.amc_weight, help="AMC loss weight (0: none)")
    p.add_argument("--attn-weight", type=float, default=d.attn_weight,
                   help="cross-attention supervision weight (0: none; both 0 trains ITM alone)")
    p.add_argument("--swap-rate", type=float, default=d.swap_rate,
                   help="chance that a phrase also brings a one-attribute edit naming another shape (a positive)")
    p.add_argument("--pretrain-steps", type=int, default=d.pretrain_steps,
                   help="stage 1: steps of the image encoder alone on the object tags (0: none)")
    p.add_argument("--eval-every", type=int, default=d.eval_every)
    p.add_argument("--threads", type=int, default=d.threads)
    p.add_argument("--no-export", action="store_true", help="train and evaluate only (experiments)")
    p.add_argument("--export-only", action="store_true",
                   help="skip training: export the checkpoint and record a previous run left in --work")
    return p.parse_args(argv)


def versions() -> dict:
    from importlib import metadata

    out = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    for name in ("torch", "numpy", "pillow", "tokenizers", "onnx", "onnxruntime", "onnxscript"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    try:
        out["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        out["node"] = None
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    from .data import generate, load_split, python_env_ok
    from .evaluate import evaluate
    from .train import train

    python_env_ok()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    def log(line: str) -> None:
        print(line, flush=True)

    if args.export_only:
        return export_only(args, log)

    cfg = TrainConfig(seed=args.seed, train_images=args.train_images, val_images=args.val_images, steps=args.steps,
                      batch_images=args.batch_images, lr=args.lr, amc_weight=args.amc_weight, attn_weight=args.attn_weight, swap_rate=args.swap_rate,
                      pretrain_steps=args.pretrain_steps,
                      eval_every=args.eval_every, threads=args.threads)
    clock, cpu = time.perf_counter(), time.process_time()
    data_dir = args.work / "data"
    size = cfg.model["image_size"]
    t0 = time.perf_counter()
    train_split = load_split(generate("train", cfg.train_images, args.data_seed, data_dir, log), size, log)
    val_split = load_split(generate("val", cfg.val_images, args.data_seed, data_dir, log), size, log)
    data_seconds = time.perf_counter() - t0
    log(f"data: {len(train_split.rows)} train phrases on {len(train_split.files)} images, {len(val_split.rows)} val "
        f"phrases on {len(val_split.files)} images ({data_seconds:.0f} s)")
    log(f"model: {json.dumps(cfg.model)}")
    model, history = train(cfg, train_split, val_split, log)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"trained {cfg.steps} steps in {history['train_seconds']:.0f} s (CPU {history['train_cpu_seconds']:.0f} s); "
        f"best val step {history['best_step']}")

    val = evaluate(model, val_split, seed=cfg.seed)
    test_split = load_split(generate(TEST_SPLIT["split"], TEST_SPLIT["n"], TEST_SPLIT["seed"], data_dir, log), size, log)
    test = evaluate(model, test_split, seed=cfg.seed)
    for name, m in (("val", val), ("test", test)):
        log(f"{name}: {m['n']} phrases  PG {m['pg_model']:.2f}% vs centre {m['pg_centre']:.2f}%  "
            f"ITM acc: positives {m['itm_acc_positive']:.1f}%, hard negatives {m['itm_acc_hard_negative']:.1f}%, "
            f"pairwise {m['itm_pairwise']:.1f}%  by template {m['pg_by_template']}")

    record = {
        "command": "python -m models.shapes_train " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed, "data_seed": args.data_seed, "train_config": asdict(cfg), "parameters": n_params,
        "data": {"train": {"images": len(train_split.files), "phrases": len(train_split.rows)},
                 "val": {"images": len(val_split.files), "phrases": len(val_split.rows)},
                 "test": {**TEST_SPLIT, "phrases": len(test_split.rows)}, "seconds": round(data_seconds, 1)},
        "history": history, "val": val, "test": test, "versions": versions(),
    }
    # Saved before the export, so that a failing export never costs the training (see --export-only).
    from .export import save_checkpoint

    save_checkpoint(model, args.work / CHECKPOINT)
    record["total_seconds"] = round(time.perf_counter() - clock, 1)
    record["total_cpu_seconds"] = round(time.process_time() - cpu, 1)
    (args.work / "training-log.json").write_text(json.dumps(record, indent=1) + "\n")
    log(f"trained and evaluated in {record['total_seconds']:.0f} s (CPU {record['total_cpu_seconds']:.0f} s); "
        f"record and checkpoint in {args.work}")
    if not args.no_export:
        finish_export(record, model, cfg, args, test_split, log)
    return 0


def export_only(args: argparse.Namespace, log) -> int:
    """The export step alone, from the checkpoint and record that a training run left in --work."""
    import torch

    from .data import generate, load_split
    from .train import build_model

    record_file, checkpoint = args.work / "training-log.json", args.work / CHECKPOINT
    if not record_file.is_file() or not checkpoint.is_file():
        raise SystemExit(f"--export-only needs {record_file} and {checkpoint}: run the training first")
    record = json.loads(record_file.read_text())
    cfg = TrainConfig(**record["train_config"])
    model = build_model(cfg)
    model.load_state_dict(torch.load(checkpoint, weights_only=True)["model"])
    model.eval()
    test_split = load_split(generate(TEST_SPLIT["split"], TEST_SPLIT["n"], TEST_SPLIT["seed"], args.work / "data", log),
                            cfg.model["image_size"], log)
    record["export_command"] = "python -m models.shapes_train --export-only"
    args.seed = record["seed"]
    args.data_seed = record["data_seed"]
    finish_export(record, model, cfg, args, test_split, log)
    return 0


def finish_export(record: dict, model, cfg: TrainConfig, args: argparse.Namespace, test_split, log) -> None:
    """Exports, checks the graphs against PyTorch, and writes training-log.json and TRAINING.md beside them."""
    from .report import training_md

    clock = time.perf_counter()
    record["export"] = export_and_check(model, cfg, args, test_split, log)
    record["export"]["seconds"] = round(time.perf_counter() - clock, 1)
    (args.out / "training-log.json").write_text(json.dumps(record, indent=1) + "\n")
    (args.out / "TRAINING.md").write_text(training_md(record))
    log(f"wrote {args.out} (graphs, model.json, tokenizer, training-log.json, TRAINING.md)")


def export_and_check(model, cfg: TrainConfig, args, test_split, log) -> dict:
    from .export import export_model
    from .text import write_tokenizer
    from .verify import check_export, check_node

    checkpoint = args.work / CHECKPOINT
    tokenizer = write_tokenizer(args.work / "tokenizer")
    if args.out.exists():
        shutil.rmtree(args.out)
    notes = (f"Trained by this project on its synthetic shapes benchmark, reproducible with: python -m "
             f"models.shapes_train --seed {args.seed} (models/shapes_train/; data seed {args.data_seed}, "
             f"{cfg.train_images} train images; "
             + (f"image encoder first trained alone on the shapes' attributes for {cfg.pretrain_steps} steps, then "
                if cfg.pretrain_steps else "")
             + f"{cfg.steps} steps of ITM with one-attribute hard negatives + AMC "
             "loss on the GradCAM map + cross-attention supervision on the box + shape tags). See TRAINING.md and "
             "training-log.json in this folder.")
    card = export_model(checkpoint, tokenizer, args.out, "albef-shapes", notes, args.seed, log)
    parity = check_export(model, args.out, test_split, test_split.rows[:24])
    log(f"exported graphs vs PyTorch on {parity['instances']} test phrases: score {parity['score_rel_error']:.1e}, "
        f"cam {parity['cam_rel_error']:.1e} (relative to the largest value)")
    if parity["cam_rel_error"] > 1e-5 or parity["score_rel_error"] > 1e-5:
        raise SystemExit("the exported graphs do not reproduce the PyTorch GradCAM to 1e-5")
    node = check_node(model, args.out, test_split, test_split.rows[:24], args.work / "node-check")
    log(f"the evaluator's path (TypeScript preprocessing and tokeniser, onnxruntime-node) vs PyTorch: token ids "
        f"{'equal' if node['token_ids_equal'] else 'DIFFER'}, pixels {node['pixels_max_abs_diff']:.1e}, score "
        f"{node['score_rel_error']:.1e}, cam {node['cam_rel_error']:.1e}")
    if not node["token_ids_equal"] or node["cam_rel_error"] > 1e-4 or node["pixels_max_abs_diff"] > 1e-5:
        raise SystemExit("the evaluator's path does not reproduce the PyTorch GradCAM")
    files = {p.name: p.stat().st_size for p in sorted(args.out.iterdir())}
    return {"checkpoint_sha256": card["provenance"]["checkpoint_sha256"], "parity": parity, "node": node,
            "files": files, "opset": card["provenance"]["opset"]}


if __name__ == "__main__":
    sys.exit(main())
