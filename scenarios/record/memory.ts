// Resident memory of the environment over a run: the samples (samples.json) and their peaks
// (run.json). RSS summed over processes counts pages they share (libraries, the node binary)
// once per process, so the total is an upper bound of what the machine gave them.

/** One reading of every measured process: resident kB by name ('kafka-1', 'mariadb-queries', 'relay#2', …). */
export interface MemorySample {
  ms: number; // history clock
  rssKb: Record<string, number>;
}

/** What run.json says of memory: the peaks, or why nothing was measured. */
export type RunMemory = MemoryPeaks | { unmeasured: string };

export interface MemoryPeaks {
  /** The largest sum over every measured process in one sample, in MB (1 MB = 1024 kB). */
  peakTotalMb: number;
  /** History time of that sample. */
  peakAtMs: number;
  /** Per group ('kafka', 'mariadb', 'toxiproxy', 'command-service', 'relay', …), the largest sum of its
   *  processes in one sample, in MB. Groups peak at different moments: these add up to more than peakTotalMb. */
  byGroup: Record<string, number>;
  samples: number;
  everyMs: number;
}

/** The group a process counts in: brokers together, both databases together, instances with their process. */
export function groupOf(name: string): string {
  if (/^kafka(-\d+)?$/.test(name)) return 'kafka';
  if (name.startsWith('mariadb-')) return 'mariadb';
  return name.replace(/#\d+$/, '');
}

const mb = (kb: number) => Math.round(kb / 1024);

/** Peaks over the samples; none when no sample measured anything (the environment was not up). */
export function memoryPeaks(samples: readonly MemorySample[], everyMs: number): MemoryPeaks | undefined {
  let best: { kb: number; ms: number } | undefined;
  const groups: Record<string, number> = {};
  for (const s of samples) {
    const names = Object.keys(s.rssKb);
    if (names.length === 0) continue;
    const byGroup: Record<string, number> = {};
    let total = 0;
    for (const n of names) {
      const kb = s.rssKb[n]!;
      total += kb;
      byGroup[groupOf(n)] = (byGroup[groupOf(n)] ?? 0) + kb;
    }
    if (!best || total > best.kb) best = { kb: total, ms: s.ms };
    for (const [g, kb] of Object.entries(byGroup)) groups[g] = Math.max(groups[g] ?? 0, kb);
  }
  if (!best) return undefined;
  return {
    peakTotalMb: mb(best.kb),
    peakAtMs: Math.round(best.ms),
    byGroup: Object.fromEntries(Object.entries(groups).map(([g, kb]) => [g, mb(kb)])),
    samples: samples.length,
    everyMs,
  };
}

export function isMeasured(m: RunMemory | undefined): m is MemoryPeaks {
  return m !== undefined && 'peakTotalMb' in m;
}
