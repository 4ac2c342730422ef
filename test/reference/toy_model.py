"""A toy model that satisfies the graph contract (models/README.md) with arithmetic simple enough to check
by hand, for the runner and pipeline tests: fixtures/models/toy/.

    image graph: pixel_values [I,3,16,16] -> patches [I,4,4] = mean over channels of 4x4 average pools
    cam graph:   patches, image_index [B], input_ids [B,T], attention_mask [B,T]
                 -> cam [B,T,4,4] = patches[image_index] * input_ids * attention_mask (broadcast)
                 -> score [B] = sum of cam over T, 4, 4

    .venv/bin/python test/reference/toy_model.py   # needs onnx
"""
import json
import os
import shutil

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'fixtures', 'models', 'toy')

def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='groundcam-toy')
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name))

def main():
    os.makedirs(OUT, exist_ok=True)
    px = helper.make_tensor_value_info('pixel_values', TensorProto.FLOAT, ['I', 3, 16, 16])
    patches = helper.make_tensor_value_info('patches', TensorProto.FLOAT, ['I', 4, 4])
    image = helper.make_graph([
        helper.make_node('AveragePool', ['pixel_values'], ['pooled'], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node('ReduceMean', ['pooled'], ['patches'], axes=[1], keepdims=0),
    ], 'image', [px], [patches])
    save(image, 'image.onnx')

    inputs = [
        helper.make_tensor_value_info('patches', TensorProto.FLOAT, ['I', 4, 4]),
        helper.make_tensor_value_info('image_index', TensorProto.INT64, ['B']),
        helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['B', 'T']),
        helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['B', 'T']),
    ]
    outputs = [
        helper.make_tensor_value_info('score', TensorProto.FLOAT, ['B']),
        helper.make_tensor_value_info('cam', TensorProto.FLOAT, ['B', 'T', 4, 4]),
    ]
    axes = helper.make_tensor('axes', TensorProto.INT64, [2], [2, 3])
    axes1 = helper.make_tensor('axes1', TensorProto.INT64, [1], [1])
    red = helper.make_tensor('red', TensorProto.INT64, [3], [1, 2, 3])
    cam = helper.make_graph([
        helper.make_node('Gather', ['patches', 'image_index'], ['per_phrase'], axis=0),
        helper.make_node('Unsqueeze', ['per_phrase', 'axes1'], ['per_phrase_t']),
        helper.make_node('Mul', ['input_ids', 'attention_mask'], ['ids_masked']),
        helper.make_node('Cast', ['ids_masked'], ['w'], to=TensorProto.FLOAT),
        helper.make_node('Unsqueeze', ['w', 'axes'], ['w4']),
        helper.make_node('Mul', ['per_phrase_t', 'w4'], ['cam']),
        helper.make_node('ReduceSum', ['cam', 'red'], ['score'], keepdims=0),
    ], 'cam', inputs, outputs, initializer=[axes, axes1, red])
    save(cam, 'cam.onnx')

    shutil.copy(os.path.join(ROOT, 'fixtures', 'tokenizers', 'bert-tiny', 'tokenizer.json'), os.path.join(OUT, 'tokenizer.json'))
    t = lambda name, dtype, shape: {'name': name, 'dtype': dtype, 'shape': shape}
    card = {
        'schema': 'groundcam/model@1', 'name': 'toy', 'family': 'albef', 'variant': 'toy', 'method': 'attention-gradcam',
        'image': {'size': [16, 16], 'resize': 'bicubic', 'crop': 'none', 'mean': [0.5, 0.5, 0.5], 'std': [0.5, 0.5, 0.5], 'rescale': 1 / 255},
        'text': {'tokenizer': 'tokenizer.json', 'max_length': 16, 'clean': 'albef', 'max_words': 30, 'first_token': None, 'pad_id': 0, 'padding': 'longest'},
        'cam': {'layer': 0, 'grid': [4, 4], 'tokens': 'all', 'heads': 1},
        'score': 'sum of the toy cam (not a model)',
        'graphs': {
            'image': {'file': 'image.onnx', 'inputs': [t('pixel_values', 'float32', ['I', 3, 16, 16])], 'outputs': [t('patches', 'float32', ['I', 4, 4])]},
            'cam': {'file': 'cam.onnx', 'inputs': [t('patches', 'float32', ['I', 4, 4]), t('image_index', 'int64', ['B']), t('input_ids', 'int64', ['B', 'T']), t('attention_mask', 'int64', ['B', 'T'])],
                    'outputs': [t('score', 'float32', ['B']), t('cam', 'float32', ['B', 'T', 4, 4])]},
        },
        'provenance': {'checkpoint': None, 'checkpoint_sha256': None, 'random_init': True, 'exporter_version': 'toy', 'torch': 'none',
                       'onnx': onnx.__version__, 'opset': 17, 'created': '2026-11-23', 'notes': 'hand-built by test/reference/toy_model.py for tests'},
    }
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        json.dump(card, f, indent=2)

if __name__ == '__main__':
    main()
