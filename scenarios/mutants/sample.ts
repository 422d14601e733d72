// Which generated mutants a campaign runs: a file filter, a reproducible sample, a shard. Pure.
import type { GeneratedMutant } from './generated.ts';

export { parseShard } from '../runner/shard.ts';

/** `system/relay/**`, `system/*\/readModel.ts`: `**` any path, `*` any name part, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** mulberry32: a small seeded generator, so a sample is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  files?: string; // comma-separated globs
  sample?: number;
  seed: number;
  shard?: { index: number; count: number }; // 1-based index
  /** Exactly these ids (a survivor run again, say): no sample is drawn. */
  ids?: readonly string[];
}

/**
 * The campaign's mutants, in run order: those of the matching files, sorted by id (stable across
 * machines and runs), shuffled by the seed, cut to the sample size, and then dealt round-robin to
 * the shards, so the shards of one sample together are exactly the sample.
 */
export function selectGenerated(all: readonly GeneratedMutant[], o: SampleOptions): GeneratedMutant[] {
  if (o.ids) {
    const unknown = o.ids.filter((id) => !all.some((m) => m.id === id));
    if (unknown.length)
      throw new Error(`no generated mutant ${unknown.join(', ')} in the target files (ids change when the code around them does)`);
    return all.filter((m) => o.ids!.includes(m.id));
  }
  const globs = o.files?.split(',').filter(Boolean).map(globToRegExp);
  const pool = all.filter((m) => !globs || globs.some((g) => g.test(m.file))).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const next = rng(o.seed);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const sampled = o.sample === undefined ? pool : pool.slice(0, o.sample);
  return o.shard ? sampled.filter((_, i) => i % o.shard!.count === o.shard!.index - 1) : sampled;
}
