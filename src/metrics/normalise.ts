// Step 2 of metrics.md: min-max normalisation, with the degenerate flag.

/** A = (U − min U) / (max U − min U), in exactly this order of operations (metrics.md §2). */
export function normalisedValue(u: number, min: number, range: number): number {
  return (u - min) / range;
}

/** A map whose range is at most `degenerateRange` is degenerate: A = 0 everywhere (metrics.md §2). */
export function isDegenerate(min: number, max: number, degenerateRange: number): boolean {
  return max - min <= degenerateRange;
}

/** Whole-map form, for callers outside the fused scorer (views, tests). */
export function minMaxNormalise(u: ArrayLike<number>, degenerateRange = 1e-12): { a: Float64Array; degenerate: boolean } {
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < u.length; p++) {
    const v = u[p]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const a = new Float64Array(u.length);
  if (u.length === 0 || isDegenerate(min, max, degenerateRange)) return { a, degenerate: true };
  const range = max - min;
  for (let p = 0; p < u.length; p++) a[p] = normalisedValue(u[p]!, min, range);
  return { a, degenerate: false };
}
