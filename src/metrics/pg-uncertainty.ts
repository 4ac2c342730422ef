// pg_uncertain and peaks (metrics.md §4): quantise, find 8-neighbourhood peaks, greedy NMS, compare the
// top-level peaks with the box mask. The scorer keeps Q only where it can matter (Q/levels above the
// threshold) and −1 elsewhere, which decides every neighbour comparison the same way as the full map.

/** round() with ties to even, as numpy's np.round (metrics.md §4 step 1: Q = round(levels · A)). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Q of one normalised value: round(levels · A), or A itself when levels = 0 (metrics.md §4). */
export function quantise(a: number, levels: number): number {
  return levels > 0 ? roundHalfEven(levels * a) : a;
}

/** The smallest double greater than x (x finite), so that `a > x` is `a >= nextUp(x)`. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! + (x > 0 ? 1n : -1n);
  return f[0]!;
}

/** The smallest integer level q in [0, levels] with q / levels > threshold (levels + 1 if none). */
export function peakLevel(levels: number, threshold: number): number {
  let q = Math.min(levels + 1, Math.max(0, Math.floor(threshold * levels) - 1));
  while (q <= levels && !(q / levels > threshold)) q++;
  return q;
}

/**
 * Replaces A by Q = round(levels · A) at the candidate pixels (metrics.md §4 step 1), or by −1 where
 * Q < lowest (the candidate bound is conservative). Pixels that are not candidates keep A < 1 <= lowest,
 * so they compare below every real candidate, as their Q would. Without quantisation (levels = 0) Q = A.
 */
export function quantiseCandidates(u: Float64Array, candidates: Int32Array, count: number, levels: number, lowest: number): void {
  if (levels === 0) return;
  for (let c = 0; c < count; c++) {
    const p = candidates[c]!;
    const q = roundHalfEven(levels * u[p]!);
    u[p] = q >= lowest ? q : -1;
  }
}

/**
 * Keeps the candidates that are peaks: Q(p) >= Q(n) for each of the 8 neighbours inside the image
 * (metrics.md §4 step 2). `q` holds Q at candidates and −1 elsewhere; candidates come in row-major order
 * and the peaks are written to `out` in the same order. Returns their number.
 */
export function findPeaks(q: Float64Array, W: number, H: number, candidates: Int32Array, count: number, out: Int32Array): number {
  let n = 0;
  let i = 0;
  let rowStart = 0;
  for (let c = 0; c < count; c++) {
    const p = candidates[c]!;
    const v = q[p]!;
    if (v < 0) continue; // below the lowest level after exact quantisation
    while (p >= rowStart + W) {
      i++;
      rowStart += W;
    }
    const j = p - rowStart;
    if (i > 0 && i < H - 1 && j > 0 && j < W - 1) {
      // interior pixel: its 8 neighbours
      const up = p - W;
      const down = p + W;
      if (
        q[p - 1]! > v || q[p + 1]! > v ||
        q[up - 1]! > v || q[up]! > v || q[up + 1]! > v ||
        q[down - 1]! > v || q[down]! > v || q[down + 1]! > v
      ) continue;
      out[n++] = p;
      continue;
    }
    let peak = true;
    for (let ii = i > 0 ? i - 1 : 0; ii <= i + 1 && ii < H && peak; ii++) {
      for (let jj = j > 0 ? j - 1 : 0; jj <= j + 1 && jj < W; jj++) {
        if (q[ii * W + jj]! > v) {
          peak = false;
          break;
        }
      }
    }
    if (peak) out[n++] = p;
  }
  return n;
}

/**
 * Orders the peaks (given in row-major order) by Q descending, ties by row-major index (metrics.md §4
 * step 3), in place. Integer levels use a stable counting sort (plateaus of many equal peaks stay linear).
 */
export function orderPeaks(peaks: Int32Array, count: number, q: Float64Array, levels: number, lowest: number): void {
  const span = levels - lowest + 1;
  if (levels > 0 && span <= 4 * count + 1024) {
    const starts = new Int32Array(span + 1);
    for (let t = 0; t < count; t++) starts[levels - q[peaks[t]!]! + 1]! += 1;
    for (let k = 1; k <= span; k++) starts[k]! += starts[k - 1]!;
    const sorted = new Int32Array(count);
    for (let t = 0; t < count; t++) {
      const p = peaks[t]!;
      sorted[starts[levels - q[p]!]!++] = p;
    }
    peaks.set(sorted);
    return;
  }
  peaks.subarray(0, count).sort((a, b) => q[b]! - q[a]! || a - b);
}

/**
 * Greedy NMS (metrics.md §4 step 3): walks the ordered peaks and keeps one unless an already kept peak
 * lies at Euclidean distance < radius (pixel centres; integer offsets, so exact). Kept peaks are bucketed
 * in square cells of side >= radius, so each test looks at 3 × 3 cells. Writes them to `kept`; returns
 * their number.
 */
export function greedyNms(ordered: Int32Array, count: number, W: number, H: number, radius: number, kept: Int32Array): number {
  const r2 = radius * radius;
  const cell = Math.max(16, Math.ceil(radius));
  const cw = Math.ceil(W / cell);
  const ch = Math.ceil(H / cell);
  const head = new Int32Array(cw * ch).fill(-1);
  const next = new Int32Array(count);
  let nk = 0;
  for (let t = 0; t < count; t++) {
    const p = ordered[t]!;
    const y = (p / W) | 0;
    const x = p - y * W;
    const cx = (x / cell) | 0;
    const cy = (y / cell) | 0;
    let suppressed = false;
    for (let yy = cy > 0 ? cy - 1 : 0; yy <= cy + 1 && yy < ch && !suppressed; yy++) {
      for (let xx = cx > 0 ? cx - 1 : 0; xx <= cx + 1 && xx < cw && !suppressed; xx++) {
        for (let k = head[yy * cw + xx]!; k >= 0; k = next[k]!) {
          const kp = kept[k]!;
          const ky = (kp / W) | 0;
          const dy = ky - y;
          const dx = kp - ky * W - x;
          if (dx * dx + dy * dy < r2) {
            suppressed = true;
            break;
          }
        }
      }
    }
    if (suppressed) continue;
    kept[nk] = p;
    const c = cy * cw + cx;
    next[nk] = head[c]!;
    head[c] = nk;
    nk++;
  }
  return nk;
}

/**
 * pg_uncertain (metrics.md §4 steps 4–5): `top` = the kept peaks whose Q equals the first kept peak's Q
 * (a prefix of the NMS order); uncertain iff |top| >= 2 with at least one inside the mask and one outside.
 */
export function isUncertain(kept: Int32Array, count: number, q: Float64Array, inside: (p: number) => boolean): boolean {
  if (count < 2) return false;
  const level = q[kept[0]!]!;
  let seenIn = false;
  let seenOut = false;
  for (let t = 0; t < count && q[kept[t]!]! === level; t++) {
    if (inside(kept[t]!)) seenIn = true;
    else seenOut = true;
    if (seenIn && seenOut) return true;
  }
  return false;
}
