"""From a PyTorch function to a checked ONNX graph.

Two routes:
- `export_forward`: a plain forward module (the image graphs) through `torch.onnx.export(dynamo=True)`.
- `trace_with_gradients` + `export_forward`: a function that calls `torch.autograd.grad` (the CAM
  graphs) is first traced with `make_fx` into an aten-level `GraphModule` holding the forward and the
  backward ops, with the backward ops decomposed into primitives; that module is then a plain forward
  and exports like any other. Exporting a module that calls `autograd.grad` directly fails in both
  ONNX exporters; this route does not.

Every exported graph is checked: only standard ONNX domain nodes (export fails otherwise), dynamic
axes named as the contract names them (I, B, T), and onnxruntime loads it and reproduces eager
PyTorch on the example inputs.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import onnx
import torch
from torch import nn
from torch._decomp import get_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

STANDARD_DOMAINS = ("", "ai.onnx")
DEFAULT_OPSET = 23
# from opset 23 the image graphs' self-attention is ONNX's own Attention op (fast in onnxruntime)
ATTENTION_OPSET = 23
# protobuf's hard limit is 2 GiB; stay clear of it
EXTERNAL_DATA_THRESHOLD = 1_800_000_000

aten = torch.ops.aten

# Backward ops decomposed while tracing, so that the traced graph holds forward-style ops only
# (the forward ops stay whole so that the exporter maps them to LayerNormalization, Softmax, ...).
_BACKWARD_OPS = (
    "_softmax_backward_data", "_log_softmax_backward_data", "native_layer_norm_backward", "gelu_backward",
    "tanh_backward", "sigmoid_backward", "threshold_backward", "select_backward", "slice_backward",
    "index_select_backward", "embedding_dense_backward", "native_group_norm_backward", "convolution_backward",
    "max_pool2d_with_indices_backward", "avg_pool2d_backward", "_adaptive_avg_pool2d_backward",
    "native_batch_norm_backward", "mse_loss_backward",
)
BACKWARD_DECOMPOSITIONS = get_decompositions([getattr(aten, name) for name in _BACKWARD_OPS if hasattr(aten, name)])


class GraphExportError(Exception):
    """An export that must not produce a graph (non-standard ops, shapes baked in, mismatch with eager)."""


@dataclass
class TensorSpec:
    """One graph input or output as model.json declares it."""

    name: str
    dtype: str
    shape: list[int | str]
    description: str = ""

    def card(self) -> dict:
        out = {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}
        if self.description:
            out["description"] = self.description
        return out


@dataclass
class ExportedGraph:
    path: Path
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    external_data: bool
    seconds: float
    bytes: int
    ops: dict[str, int] = field(default_factory=dict)
    max_rel_error: float = 0.0


def pick_example_sizes(names: Sequence[str], static_sizes: Sequence[int]) -> dict[str, int]:
    """Distinct example sizes for the dynamic axes, none equal to a fixed size (see check_example_sizes)."""
    candidates = [n for n in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41) if n not in set(static_sizes)]
    if len(candidates) < len(names):
        raise GraphExportError(f"no example sizes left for {names}")
    return dict(zip(names, candidates))


def check_example_sizes(dynamic: dict[str, int], static_sizes: Sequence[int]) -> None:
    """`make_fx` in symbolic mode gives every input dimension a symbol, specialises sizes 0 and 1, and
    gives equal sizes one symbol ("duck sizing"). Example sizes of the dynamic axes that equal one
    another or a fixed size would let a fixed size stand for a dynamic one in the traced shapes."""
    values = list(dynamic.values())
    if any(v < 2 for v in values):
        raise GraphExportError(f"example sizes of dynamic axes must be >= 2: {dynamic}")
    if len(set(values)) != len(values):
        raise GraphExportError(f"example sizes of dynamic axes must differ from one another: {dynamic}")
    clash = sorted(set(values) & set(static_sizes))
    if clash:
        raise GraphExportError(f"example sizes {clash} of dynamic axes {dynamic} equal fixed sizes {sorted(set(static_sizes))}")


def trace_with_gradients(fn: Callable, example_args: Sequence[torch.Tensor]) -> torch.fx.GraphModule:
    """Trace `fn` (which may call torch.autograd.grad) into an aten GraphModule with symbolic shapes.
    Tensors `fn` closes over (the weights) become constants of the module."""
    with torch.no_grad():  # fn turns gradients on where it needs them
        graph_module = make_fx(fn, decomposition_table=BACKWARD_DECOMPOSITIONS, tracing_mode="symbolic",
                               _allow_non_fake_inputs=True)(*example_args)
    graph_module.graph.eliminate_dead_code()
    graph_module.recompile()
    for node in graph_module.graph.nodes:
        if node.op == "call_function" and "backward" in str(node.target):
            raise GraphExportError(f"backward op {node.target} was not decomposed; add it to BACKWARD_DECOMPOSITIONS")
    return graph_module


def as_named_module(fn: Callable | nn.Module, names: Sequence[str]) -> nn.Module:
    """Wrap a callable in a module whose forward has one named parameter per input, which the
    exporter needs to name graph inputs and their dynamic axes."""
    params = ", ".join(names)
    namespace: dict = {}
    exec(f"def forward(self, {params}):\n    return self.inner({params})\n", namespace)  # noqa: S102 - fixed template
    module = type("NamedGraph", (nn.Module,), {"forward": namespace["forward"]})()
    if isinstance(fn, nn.Module):
        module.inner = fn
    else:
        module.inner = _CallableModule(fn)
    return module


class _CallableModule(nn.Module):
    def __init__(self, fn: Callable):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def non_standard_nodes(model: onnx.ModelProto) -> list[str]:
    """'domain::op' of every node outside the standard ONNX domain, subgraphs and functions included."""
    bad: list[str] = []

    def visit(graph: onnx.GraphProto) -> None:
        for node in graph.node:
            if node.domain not in STANDARD_DOMAINS:
                bad.append(f"{node.domain}::{node.op_type}")
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.GRAPH:
                    visit(attr.g)
                for sub in attr.graphs:
                    visit(sub)

    visit(model.graph)
    for function in model.functions:
        bad.append(f"function {function.domain}::{function.name}")
    return bad


def op_histogram(model: onnx.ModelProto) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in model.graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return dict(sorted(counts.items()))


def _name_dynamic_axes(model: onnx.ModelProto, specs: Sequence[TensorSpec], values: Sequence) -> None:
    """Write the contract's symbols (I, B, T) as the dim_params of graph inputs and outputs."""
    for spec, value in zip(specs, values):
        if value.name != spec.name:
            raise GraphExportError(f"graph tensor {value.name} where {spec.name} was expected")
        dims = value.type.tensor_type.shape.dim
        if len(dims) != len(spec.shape):
            raise GraphExportError(f"{spec.name}: rank {len(dims)}, declared {spec.shape}")
        for dim, want in zip(dims, spec.shape):
            if isinstance(want, str):
                dim.ClearField("dim_value")
                dim.dim_param = want
            elif dim.HasField("dim_value") and dim.dim_value != want:
                raise GraphExportError(f"{spec.name}: size {dim.dim_value} where {want} was declared ({spec.shape})")
            elif not dim.HasField("dim_value"):
                raise GraphExportError(f"{spec.name}: axis declared fixed ({want}) is dynamic in the graph")


def _strip_metadata(model: onnx.ModelProto) -> None:
    """The exporter annotates every node with its Python stack trace (local paths, 2x the size of a
    small graph); the graphs ship without it."""
    for node in model.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    model.graph.doc_string = ""


def _drop_unused_opsets(model: onnx.ModelProto) -> None:
    used = {node.domain for node in model.graph.node}
    keep = [imp for imp in model.opset_import if imp.domain in STANDARD_DOMAINS or imp.domain in used]
    del model.opset_import[:]
    model.opset_import.extend(keep)


def export_forward(module: nn.Module | Callable, example_args: Sequence[torch.Tensor], inputs: Sequence[TensorSpec],
                   outputs: Sequence[TensorSpec], path: str | Path, opset: int = DEFAULT_OPSET,
                   check_args: Sequence[Sequence[torch.Tensor]] = (), rtol: float = 1e-4,
                   reference: Callable | None = None, verbose: bool = False) -> ExportedGraph:
    """Export `module(*example_args)` to `path` with the declared dynamic axes, check it, save it.

    `check_args`: further input sets (other batch sizes) that onnxruntime must reproduce too;
    `reference`: what onnxruntime is compared with (default: `module`; for a traced module, the
    function that was traced, so that the check covers the tracing too).
    """
    path = Path(path)
    names = [spec.name for spec in inputs]
    symbols: dict[str, torch.export.Dim] = {}
    dynamic_shapes = []
    for spec in inputs:
        axes = {axis: symbols.setdefault(sym, torch.export.Dim(sym)) for axis, sym in enumerate(spec.shape)
                if isinstance(sym, str)}
        dynamic_shapes.append(axes or None)
    wrapped = as_named_module(module, names)
    start = time.perf_counter()
    log = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        warnings.simplefilter("ignore")
        for name in ("torch.onnx", "torch.export", "torch._export", "onnxscript"):
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            program = torch.onnx.export(wrapped, tuple(example_args), dynamo=True, dynamic_shapes=tuple(dynamic_shapes),
                                        input_names=names, output_names=[s.name for s in outputs],
                                        opset_version=opset, optimize=True, verbose=False, report=False)
        except Exception as error:  # the exporter's own message is long; keep its head and the log
            raise GraphExportError(f"torch.onnx.export of {path.name} failed: {error}\n{log.getvalue()[-4000:]}") from error
    if verbose:
        print(log.getvalue())
    model = program.model_proto
    _drop_unused_opsets(model)
    _strip_metadata(model)
    bad = non_standard_nodes(model)
    if bad:
        raise GraphExportError(f"{path.name} has nodes outside the standard ONNX domain: {sorted(set(bad))}")
    _name_dynamic_axes(model, inputs, model.graph.input)
    _name_dynamic_axes(model, outputs, model.graph.output)
    seconds = time.perf_counter() - start

    path.parent.mkdir(parents=True, exist_ok=True)
    data_file = path.with_suffix(path.suffix + ".data")
    if data_file.exists():
        data_file.unlink()
    external = initializer_bytes(model) > EXTERNAL_DATA_THRESHOLD
    if external:
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_file.name, size_threshold=1024)
    else:
        onnx.save_model(model, str(path))
    total = path.stat().st_size + (data_file.stat().st_size if external else 0)

    worst = 0.0
    for args in [example_args, *check_args]:
        worst = max(worst, check_with_onnxruntime(path, reference or module, args, inputs, outputs, rtol))
    return ExportedGraph(path=path, inputs=list(inputs), outputs=list(outputs), external_data=external,
                         seconds=seconds, bytes=total, ops=op_histogram(model), max_rel_error=worst)


def initializer_bytes(model: onnx.ModelProto) -> int:
    total = 0
    for tensor in model.graph.initializer:
        total += len(tensor.raw_data) if tensor.HasField("raw_data") else tensor.ByteSize()
    return total


def ort_session(path: str | Path, threads: int | None = None, spinning: bool = True):
    """An onnxruntime CPU session. `spinning=False`: worker threads sleep between runs instead of
    spinning (which otherwise takes CPU from whatever runs next in the process)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual - expected| / max |expected|: the error relative to the tensor's scale."""
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    diff = float(np.abs(actual.astype(np.float64) - expected.astype(np.float64)).max()) if expected.size else 0.0
    return diff / scale if scale > 0 else diff


def check_with_onnxruntime(path: Path, module: nn.Module | Callable, args: Sequence[torch.Tensor],
                           inputs: Sequence[TensorSpec], outputs: Sequence[TensorSpec], rtol: float) -> float:
    """Run the saved graph in onnxruntime and eager PyTorch on `args`; fail if they differ."""
    session = ort_session(path)
    feeds = {spec.name: arg.detach().cpu().numpy() for spec, arg in zip(inputs, args)}
    got = session.run([s.name for s in outputs], feeds)
    with torch.no_grad():
        want = module(*args)
    want = [want] if isinstance(want, torch.Tensor) else list(want)
    worst = 0.0
    for spec, a, b in zip(outputs, got, want):
        b = b.detach().cpu().numpy()
        if a.shape != b.shape:
            raise GraphExportError(f"{path.name}: onnxruntime gives {spec.name} of shape {a.shape}, PyTorch {b.shape}")
        err = relative_error(a, b)
        if not np.isfinite(a).all() or err > rtol:
            raise GraphExportError(f"{path.name}: onnxruntime and PyTorch differ on {spec.name} "
                                   f"(relative error {err:.2e} > {rtol:.0e}, batch shapes {[tuple(x.shape) for x in args]})")
        worst = max(worst, err)
    return worst


def graph_file_bytes(path: Path) -> int:
    data = path.with_suffix(path.suffix + ".data")
    return path.stat().st_size + (data.stat().st_size if data.exists() else 0)


def env_threads() -> int | None:
    value = os.environ.get("GROUNDCAM_THREADS")
    return int(value) if value else None
