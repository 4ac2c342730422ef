"""Training the bundled model: ALBEF's architecture at a small size, image-text matching (ITM) with
hard negatives, plus an attention-mask-consistency (AMC) loss on the GradCAM map of the positives."""

from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..albef.model import ALBEF, AlbefConfig, init_weights
from .data import Row, Split, to_model_input
from .evaluate import evaluate
from .fusion import fuse, image_keys_values
from .pairs import TAG_CLASSES, batch_pairs, coverages, object_targets
from .text import PhraseEncoder, shapes_vocab

# The bundled model's architecture: ALBEF's (ViT image encoder, BERT text encoder with cross-attention
# from `fusion_layer`, ITM head), small. 192 px with 16 px patches gives a 12 x 12 CAM grid; the CAM
# reads the middle fusion layer, as ALBEF reads layer 8 of its 6 to 11.
MODEL_CONFIG = dict(
    image_size=192, patch_size=16, vision_width=128, vision_layers=4, vision_heads=4, vision_mlp_ratio=4.0,
    text_width=128, text_layers=4, text_heads=4, text_intermediate=256, fusion_layer=1, cam_layer=2,
    vocab_size=len(shapes_vocab()), max_position_embeddings=32, embed_dim=64,
    hidden_dropout=0.0, attention_dropout=0.0,
)


@dataclass
class TrainConfig:
    seed: int = 0
    train_images: int = 12000
    val_images: int = 300
    steps: int = 1200
    batch_images: int = 24
    lr: float = 1.5e-3
    warmup: int = 50
    weight_decay: float = 0.05
    grad_clip: float = 1.0
    amc_weight: float = 1.0  # 0 trains ITM alone
    amc_margin: float = 0.5
    attn_weight: float = 1.0  # cross-attention supervision at the CAM layer (0: none)
    tag_weight: float = 1.0  # auxiliary object tagging on the image encoder (0: none)
    # stage 1, like ALBEF's ImageNet-pretrained ViT: the image encoder alone learns the object tags
    pretrain_steps: int = 0
    pretrain_batch_images: int = 32
    pretrain_lr: float = 2e-3
    swap_rate: float = 1.0
    eval_every: int = 200
    eval_rows: int = 400  # val rows scored at each evaluation (all of them at the end)
    threads: int = 2
    model: dict = field(default_factory=lambda: dict(MODEL_CONFIG))


def amc_loss(cam: torch.Tensor, cover: torch.Tensor, margin: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention mask consistency (after Yang et al., CVPR 2023) on GradCAM grids cam [P, gh, gw] >= 0
    against the box's cells (any overlap): an inside-ratio term, 1 - (mass inside / all mass), and a
    max-margin term on the max-normalised map, relu(margin - (max inside - max outside)). Both are
    invariant to the map's scale. Returns (ratio term, margin term), each averaged over the pairs."""
    inside = (cover > 0).to(cam.dtype)
    total = cam.sum(dim=(1, 2)) + 1e-12
    ratio = 1 - (cam * inside).sum(dim=(1, 2)) / total
    peak = cam.amax(dim=(1, 2), keepdim=True) + 1e-12
    norm = cam / peak
    max_in = (norm * inside).amax(dim=(1, 2))
    max_out = (norm * (1 - inside)).amax(dim=(1, 2))
    return ratio.mean(), F.relu(margin - (max_in - max_out)).mean()


def attention_loss(attention: torch.Tensor, cover: torch.Tensor) -> torch.Tensor:
    """-log of the CAM layer's cross-attention mass (mean over heads and tokens) on the box's cells,
    each cell counted by how much of it the box covers relative to the best-covered cell, so that the
    mass is drawn to the cells the shape fills (where the resized map's peak should fall)."""
    weight = cover / cover.amax(dim=(1, 2), keepdim=True).clamp(min=1e-12)
    return -torch.log((attention * weight).sum(dim=(1, 2)) + 1e-6).mean()


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to zero."""
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.lr * 0.5 * (1 + math.cos(math.pi * progress))


class ObjectTagger(nn.Module):
    """Training-only auxiliary head (not part of the exported model): the shape, colour and size of
    every shape in the image, read from the image encoder's patch tokens pooled over the shape's box.
    A few labelled shapes per image teach a from-scratch ViT to tell shapes apart far faster than the
    phrases alone do (in a probe, 50% shape accuracy after 300 steps where per-phrase signals and
    per-patch tags left it at chance)."""

    def __init__(self, width: int):
        super().__init__()
        self.head = nn.Linear(width, sum(TAG_CLASSES))

    def forward(self, patch_tokens: torch.Tensor, slots: torch.Tensor, weights: torch.Tensor) -> list[torch.Tensor]:
        pooled = (patch_tokens[slots] * weights[:, :, None]).sum(dim=1)
        return list(self.head(pooled).split(TAG_CLASSES, dim=-1))


def tag_loss(tagger: ObjectTagger, image_embeds: torch.Tensor, slots: torch.Tensor, weights: torch.Tensor,
             labels: torch.Tensor) -> torch.Tensor:
    """Sum over shape, colour and size of the cross-entropy of every shape's tags."""
    logits = tagger(image_embeds[:, 1:], slots, weights)
    return sum(F.cross_entropy(lg, labels[:, k]) for k, lg in enumerate(logits))


def build_model(cfg: TrainConfig) -> ALBEF:
    torch.manual_seed(cfg.seed)
    model = ALBEF(AlbefConfig.from_dict(cfg.model))
    init_weights(model)
    return model


def optimizer_for(model: nn.Module, cfg: TrainConfig, *extra: nn.Module) -> torch.optim.Optimizer:
    named = [(n, p) for m in (model, *extra) for n, p in m.named_parameters()]
    decay = [p for n, p in named if p.ndim >= 2 and "embeddings" not in n]
    rest = [p for n, p in named if not (p.ndim >= 2 and "embeddings" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                              {"params": rest, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.98))


def image_order(rng: np.random.Generator, n_images: int, steps: int, batch: int) -> list[np.ndarray]:
    """Image indices of every step: epochs of a fresh permutation each, cut into batches."""
    out, pool = [], np.zeros(0, dtype=np.int64)
    while len(out) < steps:
        if len(pool) < batch:
            pool = np.concatenate([pool, rng.permutation(n_images)])
        out.append(pool[:batch])
        pool = pool[batch:]
    return out


def train_step(model: ALBEF, optimizer, encoder: PhraseEncoder, train: Split, by_image: dict[int, list[Row]],
               images: np.ndarray, rng: np.random.Generator, cfg: TrainConfig, lr: float,
               tagger: ObjectTagger | None = None) -> dict:
    model.train()
    rows_by_slot = [by_image[int(i)] for i in images]
    pairs = batch_pairs(rng, rows_by_slot, swap_rate=cfg.swap_rate)
    ids, mask = encoder.batch([p.phrase for p in pairs])
    labels = torch.tensor([p.label for p in pairs])
    slots = torch.tensor([p.slot for p in pairs])
    pixels = to_model_input(train.pixels[images])
    image_embeds = model.visual_encoder(pixels)
    kv = image_keys_values(model, image_embeds)
    use_amc, use_attn = cfg.amc_weight > 0, cfg.attn_weight > 0
    logits, cam, attention = fuse(model, kv, slots, ids, mask,
                                  cam_layer=model.config.cam_layer if use_amc or use_attn else None,
                                  create_graph=use_amc, with_attention=True)
    itm = F.cross_entropy(logits, labels)
    loss = itm
    stats = {"itm": float(itm.detach()), "pairs": len(pairs), "positives": int(labels.sum()),
             "itm_acc": 100 * float((logits.argmax(1) == labels).float().mean())}
    positive = labels.bool()
    cover = torch.from_numpy(coverages(pairs, rows_by_slot, model.config.grid))[positive]
    if use_amc:
        ratio, margin = amc_loss(cam[positive], cover, cfg.amc_margin)
        loss = loss + cfg.amc_weight * (ratio + margin)
        stats.update(amc_ratio=float(ratio.detach()), amc_margin=float(margin.detach()))
    if use_attn:
        attn = attention_loss(attention[positive], cover)
        loss = loss + cfg.attn_weight * attn
        stats.update(attn=float(attn.detach()))
    if tagger is not None and cfg.tag_weight > 0:
        slots_o, weights_o, labels_o = (torch.from_numpy(t) for t in object_targets(rows_by_slot, model.config.grid))
        tags = tag_loss(tagger, image_embeds, slots_o, weights_o, labels_o)
        loss = loss + cfg.tag_weight * tags
        stats.update(tags=float(tags.detach()))
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    stats["grad_norm"] = float(torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip))
    optimizer.step()
    stats["loss"] = float(loss.detach())
    return stats


def group_rows(split: Split) -> dict[int, list[Row]]:
    by_image: dict[int, list[Row]] = {}
    for row in split.rows:
        by_image.setdefault(row.image, []).append(row)
    return by_image


@torch.no_grad()
def object_accuracy(model: ALBEF, tagger: ObjectTagger, split: Split, n_images: int = 150) -> dict:
    """Accuracy (%) of the object tags on the first n_images of a split (every drawn shape)."""
    was_training = model.training
    model.eval()
    by_image = group_rows(split)
    images = sorted(by_image)[:n_images]
    slots, weights, labels = (torch.from_numpy(t) for t in object_targets([by_image[i] for i in images],
                                                                          model.config.grid))
    logits = tagger(model.visual_encoder(to_model_input(split.pixels[images]))[:, 1:], slots, weights)
    model.train(was_training)
    return {name: round(100 * float((lg.argmax(1) == labels[:, k]).float().mean()), 1)
            for k, (name, lg) in enumerate(zip(("shape", "color", "size"), logits))}


def pretrain_vision(model: ALBEF, tagger: ObjectTagger, train_split: Split, val_split: Split, cfg: TrainConfig,
                    log=print) -> dict:
    """Stage 1: the image encoder alone, on the object tags (ALBEF starts from an ImageNet-trained ViT;
    this model's ViT starts from this)."""
    by_image = group_rows(train_split)
    image_ids = np.array(sorted(by_image))
    rng = np.random.default_rng([cfg.seed, 1])
    order = image_order(rng, len(image_ids), cfg.pretrain_steps, cfg.pretrain_batch_images)
    optimizer = optimizer_for(model.visual_encoder, cfg, tagger)
    schedule = TrainConfig(lr=cfg.pretrain_lr, warmup=cfg.warmup, steps=cfg.pretrain_steps)
    history: dict = {"steps": [], "evals": []}
    start = time.perf_counter()
    window: list[float] = []
    model.train()
    for step in range(cfg.pretrain_steps):
        images = image_ids[order[step]]
        rows_by_slot = [by_image[int(i)] for i in images]
        slots, weights, labels = (torch.from_numpy(t) for t in object_targets(rows_by_slot, model.config.grid))
        embeds = model.visual_encoder(to_model_input(train_split.pixels[images]))
        loss = tag_loss(tagger, embeds, slots, weights, labels)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, schedule)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([*model.visual_encoder.parameters(), *tagger.parameters()], cfg.grad_clip)
        optimizer.step()
        window.append(float(loss.detach()))
        if (step + 1) % 50 == 0:
            entry = {"step": step + 1, "tags": round(float(np.mean(window)), 4),
                     "seconds": round(time.perf_counter() - start, 1)}
            window = []
            if (step + 1) % 250 == 0 or step + 1 == cfg.pretrain_steps:
                entry["val_accuracy"] = object_accuracy(model, tagger, val_split)
            history["steps"].append(entry)
            log(f"pretrain {entry['step']:5d}  tags {entry['tags']:.4f}  {entry['seconds']:.0f} s"
                + (f"  val object accuracy {entry['val_accuracy']}" if "val_accuracy" in entry else ""))
    history["seconds"] = round(time.perf_counter() - start, 1)
    return history


def train(cfg: TrainConfig, train_split: Split, val_split: Split, log=print) -> tuple[ALBEF, dict]:
    """Trains and returns the model with the best val pointing-game accuracy, and the training history."""
    torch.set_num_threads(cfg.threads)
    start, cpu_start = time.perf_counter(), time.process_time()
    model = build_model(cfg)
    tagger = ObjectTagger(model.config.vision_width)
    history: dict = {"steps": [], "evals": []}
    if cfg.pretrain_steps > 0:
        history["pretrain"] = pretrain_vision(model, tagger, train_split, val_split, cfg, log)
    optimizer = optimizer_for(model, cfg, tagger)
    encoder = PhraseEncoder()
    by_image = group_rows(train_split)
    image_ids = np.array(sorted(by_image))
    rng = np.random.default_rng(cfg.seed)
    order = image_order(rng, len(image_ids), cfg.steps, cfg.batch_images)
    val_rows = val_split.rows[: cfg.eval_rows]
    best = (-1.0, None, -1)
    window: list[dict] = []
    for step in range(cfg.steps):
        stats = train_step(model, optimizer, encoder, train_split, by_image, image_ids[order[step]], rng, cfg,
                           lr_at(step, cfg), tagger)
        window.append(stats)
        if (step + 1) % 25 == 0 or step == 0:
            mean = {k: round(float(np.mean([s[k] for s in window])), 4) for k in window[0]}
            mean.update(step=step + 1, lr=round(lr_at(step, cfg), 7), seconds=round(time.perf_counter() - start, 1))
            history["steps"].append(mean)
            log("step {step:5d}  loss {loss:.4f}  itm {itm:.4f}  amc {amc}  attn {attn:.3f}  tags {tags:.3f}  itm-acc {itm_acc:.1f}%  |g| {grad_norm:.2g}  {seconds:.0f} s".format(
                amc=f"{mean.get('amc_ratio', 0):.3f}+{mean.get('amc_margin', 0):.3f}", **{"attn": 0.0, "tags": 0.0, **mean}))
            window = []
        if (step + 1) % cfg.eval_every == 0 or step + 1 == cfg.steps:
            metrics = evaluate(model, val_split, val_rows, seed=cfg.seed)
            metrics.update(step=step + 1, seconds=round(time.perf_counter() - start, 1),
                           objects=object_accuracy(model, tagger, val_split))
            history["evals"].append(metrics)
            log(f"  val ({metrics['n']} phrases) at step {step + 1}: PG {metrics['pg_model']:.1f}% (centre "
                f"{metrics['pg_centre']:.1f}%), ITM acc positives {metrics['itm_acc_positive']:.1f}%, hard negatives "
                f"{metrics['itm_acc_hard_negative']:.1f}%, object tags {metrics['objects']}")
            if metrics["pg_model"] > best[0]:
                best = (metrics["pg_model"], copy.deepcopy(model.state_dict()), step + 1)
    history["train_seconds"] = round(time.perf_counter() - start, 1)
    history["train_cpu_seconds"] = round(time.process_time() - cpu_start, 1)
    history["best_step"] = best[2]
    model.load_state_dict(best[1])
    model.eval()
    return model, history
