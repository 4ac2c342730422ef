"""Pieces shared by every model family: tracing with gradients, ONNX export and checks,
model cards, tokenizer files, checkpoint loading."""
