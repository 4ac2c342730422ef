"""Goldens for test/cam/gscorecam.test.ts: gScoreCAM's steps computed with PyTorch the way the gScoreCAM
repository does (torch's UpsamplingBilinear2d = bilinear with align_corners=True, min-max with +1e-6,
softmax over all channels, relu of the weighted sum, min-max with +1e-8).

    .venv/bin/python test/reference/gscorecam_reference.py   # needs torch==2.13.0
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

def main():
    g = torch.Generator().manual_seed(5)
    C, h, w, H, W = 6, 3, 4, 11, 9
    act = torch.randn(C, h, w, generator=g, dtype=torch.float64)
    up = F.interpolate(act[None], size=(H, W), mode='bilinear', align_corners=True)[0]
    flat = up.flatten(1)
    masks = (up - flat.min(1).values[:, None, None]) / (flat.max(1).values - flat.min(1).values + 1e-6)[:, None, None]
    importance = torch.tensor([0.3, -1.0, 0.3, 2.0, 0.1, 0.3], dtype=torch.float64)
    order = sorted(range(C), key=lambda c: (-float(importance[c]), c))[:4]
    scores = torch.tensor([3.0, float('nan'), -2.0, 5.5], dtype=torch.float64)
    full = torch.zeros(C, dtype=torch.float64).index_put((torch.tensor(order),), torch.nan_to_num(scores, nan=0.0))
    weights = full.softmax(0)
    cam = torch.relu((weights[:, None, None] * act).sum(0))
    cam = (cam - cam.min()) / (cam.max() - cam.min() + 1e-8)
    out = {'C': C, 'h': h, 'w': w, 'H': H, 'W': W, 'activations': act.flatten().tolist(), 'masks': masks.flatten().tolist(),
           'importance': importance.tolist(), 'top4': order, 'scores': [3.0, None, -2.0, 5.5], 'weights': weights.tolist(), 'cam': cam.flatten().tolist()}
    with open(os.path.join(HERE, '..', 'cam', 'gscorecam.golden.json'), 'w') as f:
        json.dump(out, f)

if __name__ == '__main__':
    main()
