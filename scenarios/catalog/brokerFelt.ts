// Non-vacuity checks of the broker scenarios, read from the broker-metadata samples: a leader
// moved, the ISR fell below the minimum, the active controller changed. No samples (a one-broker
// run, or a record without them) means not felt: the claim fails rather than passing empty.
import type { BrokerSample } from '../record/types.ts';
import type { Felt, Observations } from './types.ts';

const good = (o: Observations): readonly BrokerSample[] => (o.brokers ?? []).filter((s) => !s.error && s.partitions.length > 0);

/** Some partition was led by one broker and later by another (leader -1, leaderless, does not count). */
export const leaderChanged: Felt = {
  describe: 'a partition of user-events changed leader',
  check: (o) => {
    const first = new Map<number, number>();
    for (const s of good(o))
      for (const p of s.partitions) {
        if (p.leader < 0) continue;
        const was = first.get(p.partition);
        if (was === undefined) first.set(p.partition, p.leader);
        else if (was !== p.leader) return true;
      }
    return false;
  },
};

/** Some partition's in-sync replica set was smaller than `n` (below min.insync.replicas when n = 2). */
export const isrBelow = (n: number): Felt => ({
  describe: `a partition of user-events had fewer than ${n} in-sync replicas`,
  check: (o) => good(o).some((s) => s.partitions.some((p) => p.isr.length < n)),
});

/** The active KRaft controller was one node, then another. */
export const controllerChanged: Felt = {
  describe: 'the active KRaft controller changed',
  check: (o) => {
    const seen = (o.brokers ?? []).map((s) => s.controller).filter((c): c is number => c !== undefined);
    return seen.some((c) => c !== seen[0]);
  },
};
