// The one pass over the resized map that computes A (in place) and every sum of metrics.md §4 at once.
// Kept apart from the scorer's set-up so that V8 optimises it on stable, numbers-only type feedback.

/** Indices of the results the pass writes into its `out` array. */
export const PASS = {
  sumIn: 0, // Σ A·M
  sumOut: 1, // Σ A·(1 − M)
  sumAD: 2, // Σ A·D
  nBin: 3, // Σ A_bin
  nBinIn: 4, // Σ A_bin·M
  sumBinD: 5, // Σ A_bin·D
  nMask: 6, // Σ M
  maxD: 7, // max D (computed here for several boxes only)
  argmax: 8, // first arg-max of A, row-major
  length: 9,
} as const;

/** out[j] = sqrt(x[j]) for j < n (one box: D along the rows that cross it). */
export function sqrtInto(x: Float64Array, n: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) out[j] = Math.sqrt(x[j]!);
}

/**
 * The covered column runs of row i: boxes given as `runs[4k..4k+3] = colLo, colHi, rowLo, rowHi`
 * (inclusive pixel ranges of covered centres). Writes sorted, disjoint runs to lo/hi; returns their number.
 */
export function rowRuns(runs: Int32Array, K: number, i: number, lo: Int32Array, hi: Int32Array): number {
  let n = 0;
  for (let k = 0; k < K; k++) {
    const cLo = runs[4 * k]!;
    const cHi = runs[4 * k + 1]!;
    if (i < runs[4 * k + 2]! || i > runs[4 * k + 3]! || cLo > cHi) continue;
    let at = n++;
    while (at > 0 && lo[at - 1]! > cLo) {
      lo[at] = lo[at - 1]!;
      hi[at] = hi[at - 1]!;
      at--;
    }
    lo[at] = cLo;
    hi[at] = cHi;
  }
  let m = 0;
  for (let t = 0; t < n; t++) {
    if (m > 0 && lo[t]! <= hi[m - 1]! + 1) {
      if (hi[t]! > hi[m - 1]!) hi[m - 1] = hi[t]!;
    } else {
      lo[m] = lo[t]!;
      hi[m] = hi[t]!;
      m++;
    }
  }
  return m;
}

/**
 * Normalises u in place (A = (U − min) / span, metrics.md §2) and accumulates, row by row, over the
 * runs outside and inside the mask: the IoU/Dice/io_ratio/WDP sums, the first arg-max, and the pixels
 * with A >= candidateFrom (possible peaks). D(i, j) = sqrt(min_k gx[k·W + j] + gy[k·H + i]) outside
 * the mask (one box: sqrt(gx[j]) precomputed in dCol for the rows that cross it), 0 inside.
 * Returns the number of candidates written.
 */
export function fusedPass(
  u: Float64Array,
  W: number,
  H: number,
  min: number,
  span: number,
  K: number,
  gx: Float64Array,
  gy: Float64Array,
  runs: Int32Array,
  dRow: Float64Array,
  dCol: Float64Array,
  segLo: Int32Array,
  segHi: Int32Array,
  binT: number,
  candidateFrom: number,
  candidates: Int32Array,
  out: Float64Array,
): number {
  let sumIn = 0;
  let sumOut = 0;
  let sumAD = 0;
  let nBin = 0;
  let nBinIn = 0;
  let sumBinD = 0;
  let nMask = 0;
  let maxD = 0;
  let best = -Infinity;
  let argmax = 0;
  let nc = 0;
  for (let i = 0; i < H; i++) {
    let dist = dRow;
    let nseg = 0;
    if (K === 1) {
      const g = gy[i]!;
      if (g === 0) dist = dCol;
      else for (let j = 0; j < W; j++) dRow[j] = Math.sqrt(gx[j]! + g);
      if (i >= runs[2]! && i <= runs[3]! && runs[0]! <= runs[1]!) {
        segLo[0] = runs[0]!;
        segHi[0] = runs[1]!;
        nseg = 1;
      }
    } else {
      for (let j = 0; j < W; j++) {
        let d2 = gx[j]! + gy[i]!;
        for (let k = 1; k < K; k++) {
          const e = gx[k * W + j]! + gy[k * H + i]!;
          if (e < d2) d2 = e;
        }
        const d = Math.sqrt(d2);
        dRow[j] = d;
        if (d > maxD) maxD = d;
      }
      nseg = rowRuns(runs, K, i, segLo, segHi);
    }
    const base = i * W;
    let j = 0;
    for (let sg = 0; sg <= nseg; sg++) {
      const outsideEnd = sg < nseg ? segLo[sg]! : W;
      for (; j < outsideEnd; j++) {
        const p = base + j;
        const a = (u[p]! - min) / span;
        u[p] = a;
        const d = dist[j]!;
        sumOut += a;
        sumAD += a * d;
        if (a >= binT) {
          nBin++;
          sumBinD += d;
        }
        if (a > best) {
          best = a;
          argmax = p;
        }
        if (a >= candidateFrom) candidates[nc++] = p;
      }
      if (sg === nseg) break;
      const insideEnd = segHi[sg]! + 1;
      nMask += insideEnd - j;
      for (; j < insideEnd; j++) {
        const p = base + j;
        const a = (u[p]! - min) / span;
        u[p] = a;
        sumIn += a;
        if (a >= binT) nBinIn++;
        if (a > best) {
          best = a;
          argmax = p;
        }
        if (a >= candidateFrom) candidates[nc++] = p;
      }
    }
  }
  out[PASS.sumIn] = sumIn;
  out[PASS.sumOut] = sumOut;
  out[PASS.sumAD] = sumAD;
  out[PASS.nBin] = nBin + nBinIn;
  out[PASS.nBinIn] = nBinIn;
  out[PASS.sumBinD] = sumBinD;
  out[PASS.nMask] = nMask;
  out[PASS.maxD] = maxD;
  out[PASS.argmax] = argmax;
  return nc;
}
