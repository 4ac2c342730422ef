"""The exported graphs against the PyTorch model: onnxruntime's image + CAM graphs, token-averaged
with the evaluator's `all` rule, must equal the training code's GradCAM (and the ITM score)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from ..albef.model import ALBEF
from ..core.graph_export import ort_session
from .data import Row, Split, to_model_input
from .fusion import fuse, image_keys_values
from .text import PhraseEncoder


def onnx_cams(folder: Path, pixels: np.ndarray, image_index: np.ndarray, ids: np.ndarray,
              mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """score [B] and token-averaged CAM [B, gh, gw] from the exported graphs."""
    card = json.loads((folder / "model.json").read_text())
    image = ort_session(folder / card["graphs"]["image"]["file"])
    cam_graph = ort_session(folder / card["graphs"]["cam"]["file"])
    # the image graph's outputs (the fusion layers' keys and values) are CAM-graph inputs of the same names
    image_out = dict(zip([o.name for o in image.get_outputs()], image.run(None, {"pixel_values": pixels})))
    score, cam = cam_graph.run(["score", "cam"], {**image_out, "image_index": image_index, "input_ids": ids,
                                                  "attention_mask": mask})
    m = mask.astype(np.float64)
    averaged = (cam.astype(np.float64) * m[:, :, None, None]).sum(1) / m.sum(1)[:, None, None]
    return score, averaged


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    return float(np.abs(actual.astype(np.float64) - expected.astype(np.float64)).max() / np.abs(expected).max())


def check_export(model: ALBEF, folder: Path, split: Split, rows: list[Row]) -> dict:
    """Relative errors (max |a - b| / max |b|) of score and CAM, ONNX vs PyTorch, on `rows`."""
    model.eval()
    images = sorted({r.image for r in rows})
    slot = {image: k for k, image in enumerate(images)}
    pixels = to_model_input(split.pixels[images])
    ids, mask = PhraseEncoder().batch([r.phrase for r in rows])
    index = torch.tensor([slot[r.image] for r in rows])
    with torch.no_grad():
        kv = image_keys_values(model, model.visual_encoder(pixels))
    logits, cam = fuse(model, kv, index, ids, mask, cam_layer=model.config.cam_layer)
    score, onnx_cam = onnx_cams(folder, pixels.numpy(), index.numpy(), ids.numpy(), mask.numpy())
    return {"instances": len(rows), "images": len(images),
            "score_rel_error": relative_error(score, logits[:, 1].numpy()),
            "cam_rel_error": relative_error(onnx_cam, cam.numpy().astype(np.float64))}


def check_node(model: ALBEF, folder: Path, split: Split, rows: list[Row], work: Path) -> dict:
    """The evaluator's own path (check-node.mjs: TypeScript preprocessing and tokenisation, onnxruntime-node)
    against this package's: pixels, token ids, score and token-averaged CAM."""
    import subprocess

    images = sorted({r.image for r in rows})
    slot = {image: k for k, image in enumerate(images)}
    work.mkdir(parents=True, exist_ok=True)
    request = {"images": [str(split.files[i]) for i in images], "phrases": [r.phrase for r in rows],
               "image_index": [slot[r.image] for r in rows]}
    (work / "node-request.json").write_text(json.dumps(request))
    script = Path(__file__).with_name("check-node.mjs")
    result = subprocess.run(["node", str(script), str(folder), str(work / "node-request.json"),
                             str(work / "node-out.json")], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{script.name} failed:\n{result.stdout}\n{result.stderr}")
    got = json.loads((work / "node-out.json").read_text())
    encoder = PhraseEncoder()
    ids_match = all(got_ids == encoder.ids(r.phrase) for got_ids, r in zip(got["ids"], rows))
    pixels = to_model_input(split.pixels[images])
    node_pixels = np.array(got["pixels"], dtype=np.float32).reshape(pixels.shape)
    ids, mask = encoder.batch([r.phrase for r in rows])
    index = torch.tensor(request["image_index"])
    model.eval()
    with torch.no_grad():
        kv = image_keys_values(model, model.visual_encoder(pixels))
    logits, cam = fuse(model, kv, index, ids, mask, cam_layer=model.config.cam_layer)
    node_cam = np.array(got["cam"], dtype=np.float64).reshape(cam.shape)
    return {"instances": len(rows), "images": len(images), "token_ids_equal": ids_match,
            "pixels_max_abs_diff": float(np.abs(node_pixels - pixels.numpy()).max()),
            "score_rel_error": relative_error(np.array(got["score"]), logits[:, 1].numpy()),
            "cam_rel_error": relative_error(node_cam, cam.numpy().astype(np.float64))}
