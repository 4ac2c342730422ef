"""The bundled model's training code (models/shapes_train/): the phrase logic against the generator,
hard negatives against an independent reading of the phrases, the training forward against ALBEF's
reference GradCAM, a few training steps, the tokenizer, and the committed model folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from models.albef.model import ALBEF, AlbefConfig, init_weights
from models.albef.reference import albef_reference_gradcam
from models.core.card import validate_card
from models.core.graph_export import ort_session
from models.core.tokenizer_files import load_tokenizer
from models.shapes_train.data import box_coverage, generate, load_split, to_model_input
from models.shapes_train.evaluate import centre_grid, pointing_hit
from models.shapes_train.fusion import fuse, image_keys_values
from models.shapes_train.pairs import batch_pairs
from models.shapes_train.phrases import expr_of, hard_edits, margin_of, objects_of, status
from models.shapes_train.text import PhraseEncoder, shapes_vocab, write_tokenizer
from models.shapes_train.train import (ObjectTagger, TrainConfig, amc_loss, attention_loss, build_model, optimizer_for,
                                       train_step)

from .conftest import REPO, assert_close

BUNDLED = REPO / "models" / "albef-shapes"


@pytest.fixture(scope="session")
def val_manifest(tmp_path_factory) -> Path:
    """300 generated images of the val split, seed 11 (the generator's CLI: needs `npm ci` done)."""
    return generate("val", 300, 11, tmp_path_factory.mktemp("shapes"), log=lambda _: None)


@pytest.fixture(scope="session")
def rows(val_manifest) -> list[dict]:
    return [json.loads(line) for line in val_manifest.read_text().splitlines()]


# --- an independent reading of a phrase, from its words and the boxes in meta ------------------------

PHRASE = re.compile(r"^the (?:(small|large) )?(?:(red|green|blue|yellow|purple|orange) )?(\w+)"
                    r"(?: (left of|right of|above|below) the (\w+) (\w+))?$")


def relation_truth(relation: str, t, a, margin: float) -> str:
    """README 'Relations': "t left of a" is true when t's right edge + margin <= a's left edge and the
    centres' offset is at least as horizontal as vertical, false when t's centre is not left of a's,
    unclear otherwise; the others by mirroring x (right of) or swapping x and y (above, below)."""
    def mirror(b):
        return (-b[2], b[1], -b[0], b[3])

    def transpose(b):
        return (b[1], b[0], b[3], b[2])

    if relation in ("above", "below"):
        t, a = transpose(t), transpose(a)
    if relation in ("right of", "below"):
        t, a = mirror(t), mirror(a)
    tcx, acx = (t[0] + t[2]) / 2, (a[0] + a[2]) / 2
    tcy, acy = (t[1] + t[3]) / 2, (a[1] + a[3]) / 2
    if not tcx < acx:
        return "false"
    return "true" if t[2] + margin <= a[0] and abs(tcy - acy) <= abs(tcx - acx) else "unclear"


def referents(phrase: str, objects: list[dict], margin: float) -> tuple[list[int], list[int]]:
    """(objects the phrase is clearly true of, objects it is unclear for)."""
    m = PHRASE.match(phrase)
    assert m, f"not a shapes phrase: {phrase!r}"
    size, color, shape, relation, a_color, a_shape = m.groups()
    fits = [k for k, o in enumerate(objects) if o["shape"] == shape and color in (None, o["color"])
            and size in (None, o["size"])]
    if relation is None:
        return fits, []
    anchors = [k for k, o in enumerate(objects) if (o["color"], o["shape"]) == (a_color, a_shape)]
    if len(anchors) != 1:
        return [], (fits if anchors else [])
    a = anchors[0]
    verdicts = {k: "false" if k == a else relation_truth(relation, objects[k]["box"], objects[a]["box"], margin)
                for k in fits}
    return [k for k, v in verdicts.items() if v == "true"], [k for k, v in verdicts.items() if v == "unclear"]


def test_phrase_logic_reads_every_generated_phrase_back(rows):
    for r in rows:
        meta = r["meta"]
        expr = expr_of(meta)
        assert expr.phrase() == r["phrase"]
        assert status(expr, objects_of(meta), margin_of(r["width"], r["height"])) == ("unique", meta["target"]["index"])
        assert referents(r["phrase"], meta["objects"], margin_of(r["width"], r["height"])) == ([meta["target"]["index"]], [])


def test_hard_negatives_never_describe_the_target(rows):
    counts = {"negatives": 0, "swaps": 0}
    kinds = set()
    for r in rows:
        meta = r["meta"]
        margin = margin_of(r["width"], r["height"])
        target = meta["target"]["index"]
        negatives, swaps = hard_edits(expr_of(meta), objects_of(meta), margin, target)
        words = r["phrase"].split()
        for edit in negatives + swaps:
            phrase = edit.expr.phrase()
            # exactly one word differs (a relation counts as one: "left of" -> "above" changes the length)
            changed = [w for w in phrase.split() if w not in words] + [w for w in words if w not in phrase.split()]
            assert phrase != r["phrase"] and len(phrase.split()) in (len(words), len(words) - 1, len(words) + 1)
            assert 1 <= len(changed) <= 3, (r["phrase"], phrase)
            yes, unclear = referents(phrase, meta["objects"], margin)
            assert target not in yes and target not in unclear, (r["id"], phrase)
            kinds.add(edit.kind)
        for edit in negatives:
            assert referents(edit.expr.phrase(), meta["objects"], margin) == ([], []), (r["id"], edit.expr.phrase())
        for edit in swaps:
            yes, unclear = referents(edit.expr.phrase(), meta["objects"], margin)
            assert yes == [edit.referent] and unclear == [] and edit.referent != target
        counts["negatives"] += len(negatives)
        counts["swaps"] += len(swaps)
    assert counts["negatives"] > 3 * len(rows) and counts["swaps"] > 0.3 * len(rows), counts
    assert kinds == {"shape", "color", "size", "relation", "anchor color", "anchor shape"}


def test_batch_pairs_labels_agree_with_the_phrases(val_manifest, rows):
    split = load_split(val_manifest, 32, log=lambda _: None)
    by_image: dict[int, list] = {}
    for row in split.rows:
        by_image.setdefault(row.image, []).append(row)
    rng = np.random.default_rng(0)
    images = sorted(by_image)[:40]
    rows_by_slot = [by_image[i] for i in images]
    pairs = batch_pairs(rng, rows_by_slot)
    assert {p.kind.split(":")[0] for p in pairs} >= {"positive", "negative", "swap"}
    for p in pairs:
        row = rows_by_slot[p.slot][0]
        objects = [{"shape": o.shape, "color": o.color, "size": o.size, "box": list(o.box)} for o in row.objects]
        yes, unclear = referents(p.phrase, objects, row.margin)
        if p.label == 1:
            assert len(yes) == 1 and not unclear and tuple(objects[yes[0]]["box"]) == tuple(p.box), p
        else:
            assert yes == [] and unclear == [], p


def test_tokenizer_covers_every_phrase_and_loads_as_the_exporter_reads_it(rows, tmp_path):
    encoder = PhraseEncoder()
    path = write_tokenizer(tmp_path)
    exported = load_tokenizer(path)
    vocab = shapes_vocab()
    assert exported.config["pad_token_id"] == vocab["[PAD]"] == 0
    phrases = sorted({r["phrase"] for r in rows})
    ids, _ = exported.encode_batch(phrases)
    for phrase, row in zip(phrases, ids):
        mine = encoder.ids(phrase)  # raises on [UNK]
        assert mine[0] == vocab["[CLS]"] and mine[-1] == vocab["[SEP]"]
        assert len(mine) == len(phrase.split()) + 2
        assert row[: len(mine)] == mine
    with pytest.raises(ValueError, match="outside the shapes vocabulary"):
        encoder.ids("the pink elephant")


def tiny_config(**over) -> AlbefConfig:
    return AlbefConfig.from_dict({**dict(image_size=32, patch_size=8, vision_width=32, vision_layers=2, vision_heads=2,
                                         text_width=32, text_layers=4, text_heads=2, text_intermediate=64, fusion_layer=1,
                                         cam_layer=2, vocab_size=len(shapes_vocab()), max_position_embeddings=32,
                                         embed_dim=16, hidden_dropout=0.0, attention_dropout=0.0), **over})


@pytest.mark.parametrize("cam_layer", [1, 2, 3])
def test_training_gradcam_equals_the_reference(cam_layer):
    """fuse(): keys/values once per image, GradCAM as a differentiable function == ALBEF Grounding.py's."""
    torch.manual_seed(1)
    model = ALBEF(tiny_config(cam_layer=cam_layer))
    init_weights(model)
    model.eval()
    pixels = torch.randn(2, 3, 32, 32)
    ids, mask = PhraseEncoder().batch(["the red circle", "the star", "the square left of the blue star"])
    index = torch.tensor([1, 0, 1])
    ref_score, ref_cam = albef_reference_gradcam(model, pixels[index], ids, mask, cam_layer)
    ref_cam = ref_cam.sum(1) / mask.sum(1)[:, None, None]  # the evaluator's token rule 'all'
    kv = image_keys_values(model, model.visual_encoder(pixels))
    for create_graph in (False, True):
        logits, cam = fuse(model, kv, index, ids, mask, cam_layer=cam_layer, create_graph=create_graph)
        assert_close(logits[:, 1].detach(), ref_score, what="score")
        assert_close(cam.detach(), ref_cam, what=f"cam (create_graph={create_graph})")
        assert cam.requires_grad == create_graph
    # the map is differentiable in the weights: a loss on it reaches the image encoder
    _, cam = fuse(model, kv, index, ids, mask, cam_layer=cam_layer, create_graph=True)
    (grad,) = torch.autograd.grad(cam.sum(), model.visual_encoder.patch_embed.proj.weight)
    assert float(grad.abs().max()) > 0


def test_amc_loss_prefers_maps_inside_the_box():
    cover = torch.zeros(1, 4, 4)
    cover[0, 1:3, 1:3] = 1
    inside = torch.zeros(1, 4, 4)
    inside[0, 1, 1] = 1
    outside = torch.zeros(1, 4, 4)
    outside[0, 3, 3] = 1
    r_in, m_in = amc_loss(inside, cover, 0.5)
    r_out, m_out = amc_loss(outside, cover, 0.5)
    assert float(r_in) == pytest.approx(0.0, abs=1e-6) and float(m_in) == 0.0
    assert float(r_out) == pytest.approx(1.0) and float(m_out) == pytest.approx(1.5)
    # invariant to the map's scale
    assert torch.allclose(torch.stack(amc_loss(3 * (inside + outside), cover, 0.5)),
                          torch.stack(amc_loss(inside + outside, cover, 0.5)))


def test_a_few_training_steps_lower_the_loss(val_manifest):
    """Tiny model, a handful of images: repeated steps on one batch must fit it (every loss falls)."""
    split = load_split(val_manifest, 32, log=lambda _: None)
    cfg = TrainConfig(seed=0, steps=40, warmup=1, lr=2e-3, batch_images=6, model=tiny_config().to_dict())
    torch.manual_seed(0)
    model = build_model(cfg)
    tagger = ObjectTagger(model.config.vision_width)
    optimizer = optimizer_for(model, cfg, tagger)
    by_image: dict[int, list] = {}
    for row in split.rows:
        by_image.setdefault(row.image, []).append(row)
    images = np.array(sorted(by_image)[:6])
    history = []
    for step in range(cfg.steps):
        rng = np.random.default_rng(0)  # the same pairs every step
        history.append(train_step(model, optimizer, PhraseEncoder(), split, by_image, images, rng, cfg, cfg.lr, tagger))
    first, last = history[0], history[-1]
    assert last["loss"] < 0.7 * first["loss"], (first, last)
    for key in ("itm", "amc_ratio", "attn", "tags"):
        assert last[key] < first[key], (key, first, last)
    assert all(np.isfinite(h["loss"]) for h in history)


def test_attention_loss_rewards_mass_on_the_best_covered_cells():
    cover = torch.zeros(1, 3, 3)
    cover[0, 1, 1], cover[0, 1, 2] = 1.0, 0.5
    on_best = torch.zeros(1, 3, 3)
    on_best[0, 1, 1] = 0.9
    on_edge = torch.zeros(1, 3, 3)
    on_edge[0, 1, 2] = 0.9
    off = torch.zeros(1, 3, 3)
    off[0, 0, 0] = 0.9
    losses = [float(attention_loss(a, cover)) for a in (on_best, on_edge, off)]
    assert losses[0] == pytest.approx(-np.log(0.9 + 1e-6)) and losses[0] < losses[1] < losses[2]


def test_pointing_hit_and_centre_baseline():
    box = (40, 30, 60, 50)  # on a 100 x 80 image
    grid = np.zeros((10, 10), dtype=np.float32)
    grid[5, 6] = 1  # cell covering x 60-70, y 40-48: its centre (65, 44) is outside the box
    assert not pointing_hit(grid, box, 100, 80)
    grid[4, 4] = 2  # cell x 40-50, y 32-40: inside
    assert pointing_hit(grid, box, 100, 80)
    full = np.zeros((80, 100), dtype=np.float32)  # a map at the image size is used as is
    full[35, 45] = full[60, 90] = 1  # ties: the first maximum in row-major order counts
    assert pointing_hit(full, box, 100, 80)
    full[35, 45] = 0
    assert not pointing_hit(full, box, 100, 80)
    assert not pointing_hit(np.ones((10, 10), dtype=np.float32), box, 100, 80)  # degenerate
    c = centre_grid()
    assert c.shape == (24, 24) and np.unravel_index(c.argmax(), c.shape) == (11, 11)
    assert pointing_hit(c, box, 100, 80)  # the image centre (50, 40) is in the box
    assert not pointing_hit(c, (0, 0, 30, 30), 100, 80)
    cover = box_coverage(box, 100, 80, 10)
    assert cover.sum() == pytest.approx((20 * 20) / (10 * 8))
    assert cover[4, 4] == 1 and cover[3, 4] == pytest.approx(0.25) and cover[5, 6] == 0


def test_preprocessing_normalises_like_the_card():
    pixels = np.zeros((1, 2, 2, 3), dtype=np.uint8)
    pixels[0, 0, 0] = (255, 128, 0)
    x = to_model_input(pixels)
    card_mean, card_std = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
    for c, v in enumerate((255, 128, 0)):
        assert float(x[0, c, 0, 0]) == pytest.approx((v / 255 - card_mean[c]) / card_std[c], rel=1e-6)


# --- the committed model folder ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def bundled_card() -> dict:
    if not (BUNDLED / "model.json").is_file():
        pytest.fail(f"{BUNDLED} has no model.json: run python -m models.shapes_train --seed 0 --out {BUNDLED}")
    card = json.loads((BUNDLED / "model.json").read_text())
    validate_card(card, BUNDLED)
    return card


def test_bundled_card_declares_the_training_preprocessing(bundled_card):
    from models.shapes_train.data import MEAN, STD
    from models.shapes_train.train import MODEL_CONFIG

    size = MODEL_CONFIG["image_size"]
    assert bundled_card["image"] == {"size": [size, size], "resize": "bicubic", "crop": "none", "mean": MEAN,
                                     "std": STD, "rescale": 1 / 255}
    assert bundled_card["text"]["clean"] == "albef" and bundled_card["text"]["first_token"] is None
    assert bundled_card["text"]["padding"] == "longest" and bundled_card["text"]["pad_id"] == 0
    assert bundled_card["cam"]["layer"] == MODEL_CONFIG["cam_layer"]
    assert bundled_card["cam"]["grid"] == [size // MODEL_CONFIG["patch_size"]] * 2
    prov = bundled_card["provenance"]
    assert prov["random_init"] is False and re.fullmatch(r"[0-9a-f]{64}", prov["checkpoint_sha256"])
    assert "models.shapes_train" in prov["notes"] and prov["config"] == {**prov["config"], **MODEL_CONFIG}
    size_mb = sum(p.stat().st_size for p in BUNDLED.iterdir()) / 1e6
    assert size_mb < 12, f"the bundled folder is {size_mb:.1f} MB"


def test_bundled_model_grounds_on_fresh_val_images(bundled_card, val_manifest):
    """The committed ONNX graphs, on val images it was not selected on (generator seed 11): its GradCAM's
    pointing game is far above the centre prior's."""
    size = bundled_card["image"]["size"][0]
    split = load_split(val_manifest, size, log=lambda _: None)
    rows = split.rows[:150]
    image = ort_session(BUNDLED / bundled_card["graphs"]["image"]["file"])
    cam_graph = ort_session(BUNDLED / bundled_card["graphs"]["cam"]["file"])
    encoder = PhraseEncoder()
    images = sorted({r.image for r in rows})
    slot = {im: k for k, im in enumerate(images)}
    image_out = dict(zip([o.name for o in image.get_outputs()],
                         image.run(None, {"pixel_values": to_model_input(split.pixels[images]).numpy()})))
    ids, mask = encoder.batch([r.phrase for r in rows])
    score, cam = cam_graph.run(["score", "cam"], {**image_out,
                                                  "image_index": np.array([slot[r.image] for r in rows]),
                                                  "input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    m = mask.numpy().astype(np.float32)
    grids = (cam * m[:, :, None, None]).sum(1) / m.sum(1)[:, None, None]
    pg = 100 * np.mean([pointing_hit(g, r.box, r.width, r.height) for g, r in zip(grids, rows)])
    centre = 100 * np.mean([pointing_hit(centre_grid(), r.box, r.width, r.height) for r in rows])
    # measured: 52.7% vs 4.0% (the test split, 584 phrases: 60.3% vs 2.4%); the issue asks for +20 points
    assert pg >= centre + 30, (pg, centre)
    assert np.mean(score > 0) > 0.8  # the ITM head says "match" for the true phrases
