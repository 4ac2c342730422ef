"""What every family's exporter shares: the request from the CLI, config presets, example inputs,
the result summary."""

from __future__ import annotations

import json
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch

from .graph_export import DEFAULT_OPSET, ExportedGraph, relative_error


@dataclass
class ExportRequest:
    family: str
    out: Path
    checkpoint: Path | None = None
    random_init: str | None = None  # preset name or JSON config file
    config: str | None = None  # JSON object or file overriding config fields
    tokenizer: Path | None = None
    layer: int | None = None
    opset: int = DEFAULT_OPSET
    seed: int = 0
    name: str | None = None
    variant: str | None = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.checkpoint is None) == (self.random_init is None):
            raise ValueError("give exactly one of --checkpoint PATH or --random-init CONFIG")


@dataclass
class ExportResult:
    folder: Path
    card: dict
    graphs: dict[str, ExportedGraph]
    seconds: float
    peak_rss_mb: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"exported {self.card['name']} ({self.card['family']}, {self.card['method']}) to {self.folder}"]
        for name, graph in self.graphs.items():
            lines.append(f"  {name:<8} {graph.path.name:<16} {graph.bytes / 1e6:9.2f} MB  {sum(graph.ops.values()):5d} nodes"
                         f"  exported in {graph.seconds:6.1f} s  onnxruntime vs PyTorch: {graph.max_rel_error:.1e}"
                         + ("  (external data)" if graph.external_data else ""))
        lines.append(f"  total {self.seconds:.1f} s, peak memory {self.peak_rss_mb:.0f} MB")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def read_json_arg(value: str) -> dict:
    """A JSON object given inline or as a file path."""
    text = value if value.lstrip().startswith("{") else Path(value).read_text()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{value!r} is neither a JSON file nor a JSON object: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{value!r} is not a JSON object")
    return data


def resolve_config(request: ExportRequest, presets: dict[str, dict]) -> dict:
    """Config fields: the preset (or JSON file) of --random-init, then --config overrides."""
    values: dict = {}
    if request.random_init is not None:
        if request.random_init in presets:
            values.update(presets[request.random_init])
        elif request.random_init.lstrip().startswith("{") or Path(request.random_init).is_file():
            values.update(read_json_arg(request.random_init))
        else:
            raise ValueError(f"--random-init {request.random_init}: neither a preset of {request.family} "
                             f"({', '.join(presets)}) nor a JSON file")
    if request.config:
        values.update(read_json_arg(request.config))
    return values


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def random_phrases(generator: torch.Generator, batch: int, length: int, vocab: int, low: int,
                   pad_id: int, cls_id: int, sep_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids [batch, length] shaped like tokenised phrases: [CLS] words [SEP], padded to `length`,
    the first row full length and the others shorter (so padding is always exercised when batch > 1)."""
    ids = torch.full((batch, length), pad_id, dtype=torch.long)
    mask = torch.zeros((batch, length), dtype=torch.long)
    for row in range(batch):
        n = length if row == 0 else int(torch.randint(2, length + 1, (1,), generator=generator))
        n = min(n, length - 1) if row == 1 and length > 2 else n  # row 1 always padded
        words = torch.randint(low, vocab, (max(n - 2, 0),), generator=generator)
        ids[row, :n] = torch.cat([torch.tensor([cls_id]), words, torch.tensor([sep_id])])[:n]
        mask[row, :n] = 1
    return ids, mask


def check_parity(name: str, got: tuple[torch.Tensor, ...], want: tuple[torch.Tensor, ...], rtol: float) -> float:
    worst = 0.0
    for a, b in zip(got, want):
        err = relative_error(a.detach().numpy(), b.detach().numpy())
        if err > rtol:
            raise AssertionError(f"{name}: differs from the reference GradCAM by {err:.2e} (> {rtol:.0e})")
        worst = max(worst, err)
    return worst


class Timer:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.start


Log = Callable[[str], None]
