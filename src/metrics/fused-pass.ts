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
  length: 8,
} as const;

/**
 * The first arg-max of A (metrics.md §4 p*): A <= 1 everywhere and A = 1 exactly where U = max U, so it
 * is the first pixel with A = 1 — among the candidates when they include every A >= 1 (they are in
 * row-major order), else found by a scan.
 */
export function firstMaximum(a: Float64Array, n: number, candidates: Int32Array, count: number, candidateFrom: number): number {
  if (candidateFrom <= 1) {
    for (let c = 0; c < count; c++) if (a[candidates[c]!] === 1) return candidates[c]!;
  }
  for (let p = 0; p < n; p++) if (a[p] === 1) return p;
  return 0;
}

/** out[j] = sqrt(x[j]) for j < n (one box: D along the rows that cross it). */
export function sqrtInto(x: Float64Array, n: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) out[j] = Math.sqrt(x[j]!);
}

/**
 * D along row i for several boxes: dRow[j] = sqrt(min_k gx[k·W + j] + gy[k·H + i]) (2 and 3 boxes in one
 * loop, more one box at a time). Returns the row's maximum.
 */
export function distanceRow(gx: Float64Array, gy: Float64Array, K: number, W: number, H: number, i: number, dRow: Float64Array): number {
  let max = 0;
  const g0 = gy[i]!;
  const g1 = gy[H + i]!;
  if (K === 2) {
    for (let j = 0; j < W; j++) {
      const a = gx[j]! + g0;
      const b = gx[W + j]! + g1;
      const d = Math.sqrt(a < b ? a : b);
      dRow[j] = d;
      if (d > max) max = d;
    }
    return max;
  }
  if (K === 3) {
    const g2 = gy[2 * H + i]!;
    const W2 = 2 * W;
    for (let j = 0; j < W; j++) {
      let a = gx[j]! + g0;
      const b = gx[W + j]! + g1;
      const c = gx[W2 + j]! + g2;
      if (b < a) a = b;
      if (c < a) a = c;
      const d = Math.sqrt(a);
      dRow[j] = d;
      if (d > max) max = d;
    }
    return max;
  }
  for (let j = 0; j < W; j++) dRow[j] = gx[j]! + g0;
  for (let k = 1; k < K; k++) {
    const gk = gy[k * H + i]!;
    const off = k * W;
    for (let j = 0; j < W; j++) {
      const e = gx[off + j]! + gk;
      if (e < dRow[j]!) dRow[j] = e;
    }
  }
  for (let j = 0; j < W; j++) {
    const d = Math.sqrt(dRow[j]!);
    dRow[j] = d;
    if (d > max) max = d;
  }
  return max;
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
 * runs outside and inside the mask: the IoU/Dice/io_ratio/WDP sums, and the pixels with
 * A >= candidateFrom (possible peaks, in row-major order). D(i, j) = sqrt(min_k gx[k·W + j] + gy[k·H + i]) outside
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
      let repeat = i > 0;
      for (let k = 0; k < K && repeat; k++) if (gy[k * H + i] !== gy[k * H + i - 1]) repeat = false;
      if (!repeat) maxD = Math.max(maxD, distanceRow(gx, gy, K, W, H, i, dRow));
      nseg = rowRuns(runs, K, i, segLo, segHi);
    }
    const base = i * W;
    let j = 0;
    for (let sg = 0; sg <= nseg; sg++) {
      const outsideEnd = sg < nseg ? segLo[sg]! : W;
      for (; j < outsideEnd; j++) {
        const p = base + j;
        const a = (u[p]! - min) / span;
        const d = dist[j]!;
        sumOut += a;
        sumAD += a * d;
        if (a >= binT) {
          nBin++;
          sumBinD += d;
        }
        u[p] = a;
        if (a >= candidateFrom) candidates[nc++] = p;
      }
      if (sg === nseg) break;
      const insideEnd = segHi[sg]! + 1;
      nMask += insideEnd - j;
      for (; j < insideEnd; j++) {
        const p = base + j;
        const a = (u[p]! - min) / span;
        sumIn += a;
        if (a >= binT) nBinIn++;
        u[p] = a;
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
  return nc;
}
