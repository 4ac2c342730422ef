"""Goldens for test/models/preprocess.test.ts: the reference pipelines' model inputs, computed with Pillow
and numpy the way torchvision's transforms do it on PIL images (Resize → ToTensor → Normalize, and for
CLIP Resize(shorter side) → CenterCrop). Also writes the small test images to fixtures/images/.

    .venv/bin/python test/reference/preprocess_reference.py   # needs Pillow 12 (pip install "pillow<13") and numpy
"""
import base64
import json
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IMAGES = os.path.join(ROOT, 'fixtures', 'images')
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]

def make_images():
    os.makedirs(IMAGES, exist_ok=True)
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:45, 0:60]
    a = np.stack([xx * 4, yy * 5, (xx + yy) * 2], -1).astype(np.float64)
    a += rng.normal(0, 12, a.shape)
    a[10:30, 20:35] = [230, 30, 40]
    a = np.clip(a, 0, 255).astype(np.uint8)
    Image.fromarray(a).save(os.path.join(IMAGES, 'gradient-60x45.png'))
    Image.fromarray(a).save(os.path.join(IMAGES, 'gradient-60x45.jpg'), quality=90)
    b = np.clip(rng.normal(128, 60, (31, 47, 4)), 0, 255).astype(np.uint8)
    Image.fromarray(b, 'RGBA').save(os.path.join(IMAGES, 'noise-rgba-47x31.png'))
    g = np.clip(rng.normal(100, 50, (40, 25)), 0, 255).astype(np.uint8)
    Image.fromarray(g, 'L').save(os.path.join(IMAGES, 'grey-25x40.png'))

def to_tensor(img):
    x = np.asarray(img, dtype=np.float32) / np.float32(255)
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)

def reference(path, size, crop, resample):
    img = Image.open(path).convert('RGB')
    h, w = size
    if crop == 'none':
        img = img.resize((w, h), resample)
    else:
        s = min(h, w)
        iw, ih = img.size
        short, long = min(iw, ih), max(iw, ih)
        new_long = int(s * long / short)
        img = img.resize((s, new_long) if iw <= ih else (new_long, s), resample)
        iw, ih = img.size
        top, left = int(round((ih - h) / 2.0)), int(round((iw - w) / 2.0))
        img = img.crop((left, top, left + w, top + h))
    return to_tensor(img)

def main():
    assert int(Image.__version__.split('.')[0]) < 13, 'use Pillow < 13 (see the docstring)'
    make_images()
    cases = []
    for name in sorted(os.listdir(IMAGES)):
        for size, crop, resample, rname in (((32, 32), 'none', Image.BICUBIC, 'bicubic'), ((24, 40), 'none', Image.BILINEAR, 'bilinear'),
                                            ((32, 32), 'center', Image.BICUBIC, 'bicubic'), ((17, 17), 'center', Image.BICUBIC, 'bicubic')):
            x = reference(os.path.join(IMAGES, name), size, crop, resample)
            cases.append({'image': name, 'size': list(size), 'crop': crop, 'resize': rname, 'pixels': base64.b64encode(x.tobytes()).decode()})
    with open(os.path.join(HERE, '..', 'models', 'preprocess.golden.json'), 'w') as f:
        json.dump({'mean': MEAN, 'std': STD, 'cases': cases}, f)

if __name__ == '__main__':
    main()
