// Inside/outside activation ratio (metrics.md §4).

/** io_ratio = σ(log(in / out)) = in / (in + out), 0 when in + out = 0 (metrics.md §4). */
export function ioRatio(inside: number, outside: number): number {
  const total = inside + outside;
  return total === 0 ? 0 : inside / total;
}
