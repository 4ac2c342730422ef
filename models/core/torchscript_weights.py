"""Reading the tensors of a TorchScript archive (OpenAI's CLIP `RN50x16.pt`) without loading TorchScript.

`torch.load(weights_only=True)` refuses TorchScript archives and `torch.jit.load` runs the archive's
code, so groundcam reads the archive's `data.pkl` with a restricted unpickler instead: module objects
become plain attribute dicts, tensors are rebuilt from the archive's storages, and any other global
the pickle names is refused. Nothing in the file is executed.
"""

from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import torch

from .checkpoint import CheckpointError

_STORAGE_DTYPES = {
    "HalfStorage": torch.float16, "FloatStorage": torch.float32, "DoubleStorage": torch.float64,
    "BFloat16Storage": torch.bfloat16, "LongStorage": torch.int64, "IntStorage": torch.int32,
    "ShortStorage": torch.int16, "CharStorage": torch.int8, "ByteStorage": torch.uint8, "BoolStorage": torch.bool,
}


class _ScriptModule:
    """Stands for a `__torch__.*` object: keeps the attribute dict it is built with."""

    def __init__(self, *args):
        self.attributes: dict = {}

    def __setstate__(self, state):
        self.attributes = state if isinstance(state, dict) else {"__state__": state}


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, hooks=None, metadata=None):
    return torch.tensor([], dtype=storage.dtype).set_(storage.untyped_storage(), offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, handle, archive: zipfile.ZipFile, prefix: str):
        super().__init__(handle)
        self.archive, self.prefix = archive, prefix

    def find_class(self, module: str, name: str):
        if module.startswith("__torch__"):
            return type(name, (_ScriptModule,), {})
        if (module, name) in (("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor")):
            return _rebuild_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        raise pickle.UnpicklingError(f"refusing global {module}.{name} in a TorchScript archive")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel = pid
        if kind != "storage" or storage_type not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        dtype = _STORAGE_DTYPES[storage_type]
        data = bytearray(self.archive.read(f"{self.prefix}data/{key}"))
        flat = torch.frombuffer(data, dtype=dtype) if data else torch.empty(0, dtype=dtype)
        return flat[:numel]


def _flatten(obj, prefix: str, out: dict[str, torch.Tensor]) -> None:
    if isinstance(obj, _ScriptModule):
        for name, value in obj.attributes.items():
            _flatten(value, f"{prefix}{name}.", out)
    elif isinstance(obj, torch.Tensor):
        out[prefix[:-1]] = obj


def is_torchscript_archive(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(n.endswith("/constants.pkl") for n in archive.namelist())


def read_torchscript_tensors(path: str | Path) -> dict[str, torch.Tensor]:
    """Every tensor attribute of the archive's module tree, by dotted name (as `state_dict()` names them)."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        data = [n for n in archive.namelist() if n.endswith("/data.pkl")]
        if len(data) != 1:
            raise CheckpointError(f"{path}: not a TorchScript archive (no single data.pkl)")
        prefix = data[0][: -len("data.pkl")]
        with archive.open(data[0]) as handle:
            try:
                root = _Unpickler(handle, archive, prefix).load()
            except pickle.UnpicklingError as error:
                raise CheckpointError(f"{path}: {error}") from error
    tensors: dict[str, torch.Tensor] = {}
    _flatten(root, "", tensors)
    return tensors
