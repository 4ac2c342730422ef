"""TRAINING.md: how the bundled model was made, from the training record (training-log.json)."""

from __future__ import annotations

import json


def _row(name: str, m: dict) -> str:
    return (f"| {name} | {m['n']} | **{m['pg_model']:.1f}** | {m['pg_centre']:.1f} | {m['pg_model'] - m['pg_centre']:+.1f} "
            f"| {m['itm_acc_positive']:.1f} | {m['itm_acc_hard_negative']:.1f} | {m['itm_pairwise']:.1f} |")


def pretrain_summary(h: dict) -> str:
    evals = [e for e in h.get("pretrain", {}).get("steps", []) if "val_accuracy" in e]
    if not evals:
        return ""
    acc = evals[-1]["val_accuracy"]
    return (f"; val accuracy at its end: shape {acc['shape']:.1f}%, colour {acc['color']:.1f}%, "
            f"size {acc['size']:.1f}%")


def stage_one(cfg: dict, h: dict) -> str:
    if cfg["pretrain_steps"] == 0:
        return ("- **Stage 1:** none (`--pretrain-steps 0`): the image encoder starts from random weights and is "
                "trained with the rest, the shape tags below keeping it object-aware.")
    return (f"- **Stage 1 (the image encoder alone, as ALBEF starts from an ImageNet-trained ViT):** "
            f"{cfg['pretrain_steps']} steps of {cfg['pretrain_batch_images']} images (AdamW, lr {cfg['pretrain_lr']}, "
            f"cosine) classifying every drawn shape's shape, colour and size from the ViT's patch tokens pooled over "
            f"its box (a training-only linear head, not exported){pretrain_summary(h)}.")


def training_md(r: dict) -> str:
    cfg = r["train_config"]
    h = r["history"]
    v = r["versions"]
    lines = [
        "# albef-shapes: how this model was made",
        "",
        "Written by `python -m models.shapes_train` (models/shapes_train/); the full record, loss curve",
        "included, is `training-log.json` beside this file.",
        "",
        f"- **Command:** `{r['command'].strip()}`",
        f"- **Architecture:** ALBEF's (models/albef/model.py), small: {r['parameters']:,} parameters.",
        f"  `{json.dumps(cfg['model'])}`",
        f"- **Data:** the project's shapes generator, train split ({r['data']['train']['images']} images, "
        f"{r['data']['train']['phrases']} phrases) and val split ({r['data']['val']['images']} images, "
        f"{r['data']['val']['phrases']} phrases), generator seed {r['data_seed']}. The test split (seed 0, 200 images, "
        "what `groundcam eval` scores) is reported only: never trained on, never used to choose.",
        stage_one(cfg, h),
        f"- **Stage 2, the whole model:** image-text matching (ITM, cross-entropy on ALBEF's itm_head) over every "
        f"phrase of an image (positives), one hard negative per phrase (one attribute or the relation changed so "
        f"that it names no shape of the image), swaps at rate {cfg['swap_rate']} (a one-attribute edit that names "
        f"ANOTHER shape of the image: a positive for that shape's box), and a phrase borrowed from another image "
        f"when it is false here; plus, on every positive, the AMC loss on the GradCAM map (weight "
        f"{cfg['amc_weight']}: inside-box mass ratio + max-margin {cfg['amc_margin']}, the map computed with "
        f"create_graph), a cross-attention supervision term at the CAM layer (weight {cfg['attn_weight']}: -log "
        f"of the attention mass on the box's cells) and the stage-1 shape tags (weight {cfg['tag_weight']}). "
        f"AdamW (lr {cfg['lr']}, betas 0.9/0.98, weight decay {cfg['weight_decay']}), {cfg['warmup']} warm-up steps "
        f"then cosine decay, {cfg['steps']} steps of {cfg['batch_images']} images, gradient clipping "
        f"{cfg['grad_clip']}, seed {r['seed']}; the checkpoint kept is the one with the best val pointing game "
        f"(step {h['best_step']}).",
        f"- **Time:** training {h['train_seconds'] / 60:.1f} min wall, {h['train_cpu_seconds'] / 60:.1f} min CPU "
        f"({cfg['threads']} threads); with data generation and evaluation {r['total_seconds'] / 60:.1f} min wall, "
        f"then the export and its checks {r['export'].get('seconds', 0) / 60:.1f} min.",
        f"- **Versions:** Python {v['python']}, torch {v['torch']}, numpy {v['numpy']}, Pillow {v['pillow']}, "
        f"tokenizers {v['tokenizers']}, onnx {v['onnx']}, onnxruntime {v['onnxruntime']}, node {v['node']}; "
        f"{v['platform']}, {v['cpus']} CPUs.",
        "",
        "## Figures (Python's scoring, metrics.md rules; `groundcam eval` computes the same from the ONNX graphs)",
        "",
        "| split | phrases | PG model % | PG centre % | difference | ITM acc. positives % | ITM acc. hard negatives % | pos > its negative % |",
        "|---|---|---|---|---|---|---|---|",
        _row("val", r["val"]),
        _row("test", r["test"]),
        "",
        "Pointing game by template (test): " + ", ".join(f"{k} {v:.1f}%" for k, v in r["test"]["pg_by_template"].items()),
        "",
    ]
    if "export" in r:
        e = r["export"]
        p = e["parity"]
        lines += [
            "## Export",
            "",
            f"Exported with the project's exporter (models/albef/export.py, opset {e['opset']}); checkpoint sha256 "
            f"`{e['checkpoint_sha256']}`. On {p['instances']} test phrases the exported graphs reproduce the "
            f"PyTorch GradCAM to {p['cam_rel_error']:.1e} and the ITM score to {p['score_rel_error']:.1e} "
            "(max abs difference relative to the largest value).",
            "",
            "Files: " + ", ".join(f"`{k}` ({v / 1e6:.2f} MB)" for k, v in e["files"].items()),
            "",
        ]
    lines += [f"## Validation during stage 2 ({r['train_config']['eval_rows']} val phrases; minutes since training "
              "began)", "",
              "| step | PG val % | ITM acc. pos. % | ITM acc. hard neg. % | shape tags % | minutes |",
              "|---|---|---|---|---|---|"]
    for m in h["evals"]:
        shape = m.get("objects", {}).get("shape")
        lines.append(f"| {m['step']} | {m['pg_model']:.1f} | {m['itm_acc_positive']:.1f} | {m['itm_acc_hard_negative']:.1f} "
                     f"| {'' if shape is None else f'{shape:.1f}'} | {m['seconds'] / 60:.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m models.shapes_train.report models/albef-shapes: rewrite TRAINING.md
    import sys
    from pathlib import Path

    folder = Path(sys.argv[1])
    (folder / "TRAINING.md").write_text(training_md(json.loads((folder / "training-log.json").read_text())))
