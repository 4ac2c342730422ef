"""Goldens for test/models/resample.test.ts, made by Pillow itself (the pipeline the reference code uses).

    .venv/bin/python test/reference/pil_resize_reference.py   # needs Pillow 12 (pip install "pillow<13")

Pillow 13 changed the order of the two passes for some size pairs (vertical first when that is
cheaper), which moves some pixels by a level or more; groundcam reproduces the classic order (horizontal
first), used by every Pillow release the reference models were evaluated with.
"""
import base64
import json
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [  # (in_w, in_h, out_w, out_h)
    (37, 23, 16, 16), (16, 16, 37, 23), (50, 20, 24, 24), (7, 5, 20, 13), (64, 48, 64, 48),
    (64, 48, 30, 48), (64, 48, 64, 30), (100, 3, 9, 9), (1, 1, 5, 4), (123, 77, 38, 38), (25, 40, 32, 32), (10, 10, 30, 5), (33, 33, 97, 71), (300, 170, 48, 40),
]

def main():
    assert int(Image.__version__.split('.')[0]) < 13, 'use Pillow < 13 (see the docstring)'
    rng = np.random.default_rng(7)
    out = []
    for i, (iw, ih, ow, oh) in enumerate(CASES):
        # mix smooth structure and hard edges so the negative lobes of the cubic kernel matter
        a = (rng.random((ih, iw, 3)) * 255).astype(np.uint8)
        if i % 2 == 0:
            a[:, : iw // 2] = 0
            a[: ih // 3, :] = 255
        img = Image.fromarray(a, 'RGB')
        rec = {'in_w': iw, 'in_h': ih, 'out_w': ow, 'out_h': oh, 'input': base64.b64encode(a.tobytes()).decode()}
        for name, f in (('bicubic', Image.BICUBIC), ('bilinear', Image.BILINEAR)):
            rec[name] = base64.b64encode(np.asarray(img.resize((ow, oh), f)).tobytes()).decode()
        out.append(rec)
    with open(os.path.join(HERE, '..', 'models', 'resample.golden.json'), 'w') as f:
        json.dump({'pillow': Image.__version__, 'cases': out}, f)

if __name__ == '__main__':
    main()
