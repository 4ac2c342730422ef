// IoU and Dice, soft and binary (metrics.md §4), from the sums the scorer accumulates.

/** iou = (I + s) / (Un + s) with Un = S − I, S = ΣA + ΣM, I = ΣA·M (metrics.md §4). */
export function iouFromSums(intersection: number, sumA: number, sumM: number, smoothing: number): number {
  const total = sumA + sumM;
  return (intersection + smoothing) / (total - intersection + smoothing);
}

/** dice = 2(I + s) / (S + s) with S = ΣA + ΣM (metrics.md §4). */
export function diceFromSums(intersection: number, sumA: number, sumM: number, smoothing: number): number {
  return (2 * (intersection + smoothing)) / (sumA + sumM + smoothing);
}
