// The statistics of metrics.md §5: a seeded PRNG for the bootstrap, Wilson intervals for proportions,
// percentile intervals, and McNemar's exact test. Pure functions, no I/O.

/**
 * xoshiro128** (Blackman & Vigna), a small, fast 32-bit generator with a 2^128 − 1 period, seeded through
 * splitmix32 so that any integer seed gives a well-mixed state. Same seed, same sequence, on every platform.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const splitmix = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** The next value, uniform over the 32-bit unsigned integers. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform integer in [0, n) (n <= 2^32), by rejection, so without modulo bias. */
  nextBelow(n: number): number {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The standard normal quantile Φ⁻¹(p), Wichura's algorithm AS 241 (PPND16), accurate to about 1e-16.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1 (got ${p})`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    x =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -x : x;
}

/**
 * Wilson score interval for a proportion (successes out of n) at the given confidence, as fractions in
 * [0, 1]; null when n = 0.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): [number, number] | null {
  if (n === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The q-quantile of sorted values with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Percentile-bootstrap interval [q(α/2), q(1 − α/2)] of sorted bootstrap statistics. */
export function percentileInterval(sortedStats: ArrayLike<number>, confidence: number): [number, number] {
  const alpha = 1 - confidence;
  return [quantileSorted(sortedStats, alpha / 2), quantileSorted(sortedStats, 1 - alpha / 2)];
}

/**
 * Bootstrap means of several columns at once: `values` holds n rows of `width` values (row-major);
 * each resample draws n rows with replacement (the same rows for every column). Returns, per column,
 * the `resamples` means, sorted ascending.
 */
export function bootstrapMeans(values: Float64Array, n: number, width: number, resamples: number, seed: number): Float64Array[] {
  const rng = new Xoshiro128(seed);
  const means = Array.from({ length: width }, () => new Float64Array(resamples));
  const sums = new Float64Array(width);
  for (let b = 0; b < resamples; b++) {
    sums.fill(0);
    for (let k = 0; k < n; k++) {
      const row = rng.nextBelow(n) * width;
      for (let c = 0; c < width; c++) sums[c]! += values[row + c]!;
    }
    for (let c = 0; c < width; c++) means[c]![b] = sums[c]! / n;
  }
  for (const m of means) m.sort();
  return means;
}

/**
 * Two-sided bootstrap p-value of "the mean is 0" from sorted bootstrap means:
 * min(1, 2 · min(#{m* <= 0} + 1, #{m* >= 0} + 1) / (B + 1)).
 */
export function bootstrapPValue(sortedStats: Float64Array): number {
  const B = sortedStats.length;
  let atMost = 0;
  let atLeast = 0;
  for (let b = 0; b < B; b++) {
    if (sortedStats[b]! <= 0) atMost++;
    if (sortedStats[b]! >= 0) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost + 1, atLeast + 1)) / (B + 1));
}

/** ln(k!) for k = 0..n. */
function logFactorials(n: number): Float64Array {
  const t = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space (exact to rounding for any n). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const lf = logFactorials(n);
  const terms: number[] = [];
  for (let i = 0; i <= k; i++) terms.push(lf[n]! - lf[i]! - lf[n - i]! - n * Math.LN2);
  const top = Math.max(...terms);
  let s = 0;
  for (const t of terms) s += Math.exp(t - top);
  return Math.min(1, Math.exp(top) * s);
}

/**
 * McNemar's exact test on the discordant pairs of two paired binary outcomes: b = pairs where only the
 * first succeeded, c = only the second. Two-sided p = min(1, 2 · P(X <= min(b, c))), X ~ Bin(b + c, 1/2).
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}
