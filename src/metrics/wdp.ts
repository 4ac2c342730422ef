// Weighted Distance Penalty (metrics.md §4, [choice: normalisation]; groundcam's scale, not the paper's).

/**
 * wdp = Σ A·D̂ / Σ A with D̂ = D / max D, from ΣA·D, ΣA and max D: 0 when Σ A = 0 or the box covers the
 * whole image (max D = 0) (metrics.md §4).
 */
export function wdpFromSums(weightedDistance: number, mass: number, maxDistance: number): number {
  if (mass === 0 || maxDistance === 0) return 0;
  return weightedDistance / maxDistance / mass;
}
