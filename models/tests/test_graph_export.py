"""The export machinery on small functions: gradients in the graph, dynamic axes, external data, checks."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch
import torch.nn.functional as F

from models.core import graph_export
from models.core.graph_export import (GraphExportError, TensorSpec, check_example_sizes, export_forward,
                                      non_standard_nodes, ort_session, pick_example_sizes, trace_with_gradients)

from .conftest import assert_close

torch.manual_seed(0)
W1, W2, LN_W, LN_B = torch.randn(6, 16), torch.randn(16, 3), torch.randn(16), torch.randn(16)


def grad_function(x: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """score = sum(layer_norm(gelu(x W1)) * softmax(weights)) W2[:, 0]; its gradient wrt x, per row."""
    with torch.enable_grad():
        leaf = x.detach().requires_grad_(True)
        h = F.layer_norm(F.gelu(leaf @ W1), (16,), LN_W, LN_B)
        score = (h * weights.softmax(-1)) @ W2[:, 0]
        (grad,) = torch.autograd.grad(score.sum(), leaf)
    return score.detach(), grad


def test_gradient_graph_matches_autograd_at_any_batch(tmp_path):
    example = (torch.randn(5, 6), torch.randn(5, 16))
    traced = trace_with_gradients(grad_function, example)
    specs_in = [TensorSpec("x", "float32", ["B", 6]), TensorSpec("weights", "float32", ["B", 16])]
    specs_out = [TensorSpec("score", "float32", ["B"]), TensorSpec("grad", "float32", ["B", 6])]
    graph = export_forward(traced, example, specs_in, specs_out, tmp_path / "g.onnx", reference=grad_function)
    model = onnx.load(str(tmp_path / "g.onnx"))
    assert non_standard_nodes(model) == []
    assert [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim] == ["B", 6]
    session = ort_session(tmp_path / "g.onnx")
    for b in (1, 2, 9):
        x, w = torch.randn(b, 6), torch.randn(b, 16)
        score, grad = session.run(None, {"x": x.numpy(), "weights": w.numpy()})
        want_score, want_grad = grad_function(x, w)
        assert_close(score, want_score.numpy(), what=f"score B={b}")
        assert_close(grad, want_grad.numpy(), what=f"grad B={b}")
    assert graph.max_rel_error < 1e-5


def test_large_graphs_use_external_data(tmp_path, monkeypatch):
    monkeypatch.setattr(graph_export, "EXTERNAL_DATA_THRESHOLD", 100)
    module = torch.nn.Linear(64, 32).eval()
    graph = export_forward(module, (torch.randn(3, 64),), [TensorSpec("x", "float32", ["B", 64])],
                           [TensorSpec("y", "float32", ["B", 32])], tmp_path / "big.onnx")
    assert graph.external_data and (tmp_path / "big.onnx.data").is_file()
    out = ort_session(tmp_path / "big.onnx").run(None, {"x": np.ones((2, 64), np.float32)})[0]
    with torch.no_grad():
        assert_close(out, module(torch.ones(2, 64)).numpy())


def test_a_declared_fixed_axis_that_is_dynamic_fails(tmp_path):
    with pytest.raises(GraphExportError, match="declared"):
        export_forward(torch.nn.Linear(4, 2).eval(), (torch.randn(3, 4),), [TensorSpec("x", "float32", ["B", 4])],
                       [TensorSpec("y", "float32", [3, 2])], tmp_path / "bad.onnx")


def test_example_sizes_avoid_fixed_sizes():
    sizes = pick_example_sizes(["I", "B", "T"], [3, 5, 12, 577])
    assert len(set(sizes.values())) == 3 and not set(sizes.values()) & {3, 5, 12, 577}
    with pytest.raises(GraphExportError):
        check_example_sizes({"B": 4, "T": 4}, [])
    with pytest.raises(GraphExportError):
        check_example_sizes({"B": 12}, [12])
