// A seeded random source for the workload's decisions (which stream, which command, conflict or
// not): one seed replays the whole sequence. mulberry32: tiny, fast, good enough to pick among
// streams; the values themselves come from fast-check arbitraries (values.ts).

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (xs) => {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[int(0, xs.length - 1)]!;
    },
    chance: (p) => next() < p,
  };
}

/**
 * Zipf-like rank sampler over 0..n-1: rank k has weight 1/(k+1)^s, so a few streams are hot and
 * most are cold. The cumulative table is rebuilt only when n changes.
 */
export function createZipf(s = 1.1) {
  let cdf: number[] = [];
  return (rng: Rng, n: number): number => {
    if (n <= 0) throw new Error('zipf over an empty range');
    if (cdf.length !== n) {
      cdf = [];
      let sum = 0;
      for (let k = 0; k < n; k++) cdf.push((sum += 1 / (k + 1) ** s));
      cdf = cdf.map((c) => c / sum);
    }
    const u = rng.next();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
