import { describe, expect, it } from 'vitest';
import { groupOf, memoryPeaks, type MemorySample } from './memory.ts';

describe('groups', () => {
  it('brokers together, databases together, instances with their process', () => {
    expect(['kafka', 'kafka-1', 'kafka-3', 'mariadb-commands', 'mariadb-queries', 'toxiproxy'].map(groupOf)).toEqual([
      'kafka',
      'kafka',
      'kafka',
      'mariadb',
      'mariadb',
      'toxiproxy',
    ]);
    expect(['relay', 'relay#2', 'projector#3', 'command-service', 'query-api'].map(groupOf)).toEqual([
      'relay',
      'relay',
      'projector',
      'command-service',
      'query-api',
    ]);
  });
});

describe('peaks over samples', () => {
  const MB = 1024;
  const samples: MemorySample[] = [
    // kafka-1 peaks here, but the sum is smaller than at 2000
    { ms: 1000, rssKb: { 'kafka-1': 900 * MB, 'kafka-2': 100 * MB, 'mariadb-commands': 100 * MB, relay: 50 * MB } },
    { ms: 2000, rssKb: { 'kafka-1': 600 * MB, 'kafka-2': 600 * MB, 'mariadb-commands': 150 * MB, relay: 60 * MB, 'relay#2': 70 * MB } },
    // a killed broker: absent, the rest still counted
    { ms: 3000, rssKb: { 'kafka-2': 500 * MB, 'mariadb-commands': 200 * MB, 'mariadb-queries': 200 * MB, relay: 40 * MB } },
  ];

  it('the total peak is the largest sum within one sample, not the sum of each process’s peak', () => {
    const p = memoryPeaks(samples, 1000)!;
    expect(p.peakTotalMb).toBe(600 + 600 + 150 + 60 + 70);
    expect(p.peakAtMs).toBe(2000);
  });

  it('a group’s peak sums its processes within one sample', () => {
    expect(memoryPeaks(samples, 1000)!.byGroup).toEqual({ kafka: 1200, mariadb: 400, relay: 130 });
  });

  it('rounds to whole MB and says how it sampled', () => {
    const p = memoryPeaks([{ ms: 12.6, rssKb: { toxiproxy: 1536 + 1024 } }], 1000)!;
    expect(p).toEqual({ peakTotalMb: 3, peakAtMs: 13, byGroup: { toxiproxy: 3 }, samples: 1, everyMs: 1000 });
  });

  it('no figure when nothing was measured', () => {
    expect(memoryPeaks([], 1000)).toBeUndefined();
    expect(memoryPeaks([{ ms: 5, rssKb: {} }], 1000)).toBeUndefined();
  });
});
