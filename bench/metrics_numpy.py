"""The numpy side of `npm run bench:metrics`: times test/reference/metrics_reference.py (a straightforward
numpy implementation of every metric) on the instances bench/metrics.ts wrote, on one thread.

    python bench/metrics_numpy.py DIR SECONDS   →  JSON on stdout: instances_per_s, scored, records
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "reference"))

import numpy as np  # noqa: E402

import metrics_reference as ref  # noqa: E402


def main():
    folder, seconds = sys.argv[1], float(sys.argv[2])
    grids = np.load(os.path.join(folder, "grids.npy"))
    with open(os.path.join(folder, "instances.json")) as f:
        spec = json.load(f)
    W, H, boxes = spec["width"], spec["height"], spec["boxes"]
    n = len(boxes)
    records = [ref.score(grids[k], W, H, boxes[k])[0] for k in range(n)]  # warm-up, and the results to compare
    scored = 0
    start = time.perf_counter()
    while True:
        for k in range(n):
            ref.score(grids[k], W, H, boxes[k])
        scored += n
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    json.dump({"instances_per_s": scored / elapsed, "scored": scored, "seconds": elapsed,
               "numpy": np.__version__, "records": records}, sys.stdout)


if __name__ == "__main__":
    main()
