"""Loading checkpoints safely and fingerprinting them."""

from __future__ import annotations

import hashlib
import pickle
import zipfile
from pathlib import Path

import torch


class CheckpointError(Exception):
    """A checkpoint that cannot be used, with a message saying why and what to do."""


def sha256_of(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_torch_file(path: str | Path) -> object:
    """`torch.load(..., weights_only=True)`: tensors and plain containers only, never arbitrary code."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, zipfile.BadZipFile) as error:
        raise CheckpointError(
            f"{path} could not be loaded with torch.load(weights_only=True): {str(error).splitlines()[0]}\n"
            "groundcam only loads checkpoints that hold plain tensors and containers. If this file pickles "
            "other objects, re-save its state dict from a trusted environment: "
            "torch.save(torch.load(path, weights_only=False)['model'], 'state_dict.pth')") from error


def state_dict_of(obj: object, path: str | Path, keys: tuple[str, ...] = ("model", "state_dict", "module")) -> dict:
    """The state dict inside a training checkpoint ({'model': ..., 'optimizer': ...}) or the object itself."""
    if isinstance(obj, dict):
        for key in keys:
            if key in obj and isinstance(obj[key], dict):
                return obj[key]
        if obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
    raise CheckpointError(f"{path} holds no state dict (looked for a dict of tensors, or under {', '.join(keys)})")


def load_strict(module: torch.nn.Module, state: dict[str, torch.Tensor], source: str) -> list[str]:
    """Load the module's own keys from `state`; every key the module needs must be present with the
    right shape. Returns the checkpoint keys that were not used (momentum encoders, queues, heads...)."""
    own = module.state_dict()
    # BatchNorm's step counter plays no part in inference
    state = {**{k: v for k, v in own.items() if k.endswith("num_batches_tracked")}, **state}
    missing = [k for k in own if k not in state]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        raise CheckpointError(f"{source} lacks {len(missing)} parameters the model needs: {shown}. "
                              "Is it a checkpoint of this family, and does --config match it?")
    wrong = [f"{k} {tuple(state[k].shape)} (model {tuple(v.shape)})" for k, v in own.items()
             if tuple(state[k].shape) != tuple(v.shape)]
    if wrong:
        raise CheckpointError(f"{source}: shapes differ from the model's: {'; '.join(wrong[:6])}. "
                              "Pass the matching --config.")
    module.load_state_dict({k: state[k] for k in own}, strict=True)
    return sorted(set(state) - set(own))
