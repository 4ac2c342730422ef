"""groundcam's Python side: module definitions, checkpoint loading and ONNX export of the graphs
that the TypeScript evaluator runs (see models/README.md, "The graph contract")."""

__version__ = "0.1.0"
