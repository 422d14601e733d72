import { describe, expect, it } from 'vitest';
import { byBusiness, rankedPartition, ranking, replicaFor, type PartitionFacts } from './brokerFamily.ts';
import { validateSchedule } from './schedule.ts';

const ps: PartitionFacts[] = [
  { partition: 0, leader: 3, replicas: [3, 1, 2], records: 120 },
  { partition: 1, leader: 1, replicas: [1, 2, 3], records: 480 },
  { partition: 2, leader: 2, replicas: [2, 3, 1], records: 120 },
];

describe('broker role faults', () => {
  it('ranks partitions by records, ties to the lower partition', () => {
    expect(byBusiness(ps, 1).partition).toBe(1);
    expect(byBusiness(ps, 2).partition).toBe(0);
    expect(byBusiness(ps, 3).partition).toBe(2);
    expect(byBusiness(ps, 9).partition).toBe(2); // past the last: the quietest
    expect(() => byBusiness([], 1)).toThrow(/no partitions/);
  });

  it("keeps the first ranking for the rest of the run, with each partition's current leader", () => {
    const first = ranking(ps);
    expect(first).toEqual([1, 0, 2]);
    // Partition 1's leader was cut off: it stops growing, partition 2 overtakes it, its leader moves.
    const later: PartitionFacts[] = [
      { partition: 0, leader: 3, replicas: [3, 1, 2], records: 300 },
      { partition: 1, leader: 2, replicas: [1, 2, 3], records: 481 },
      { partition: 2, leader: 2, replicas: [2, 3, 1], records: 900 },
    ];
    expect(byBusiness(later, 1).partition).toBe(2); // what a fresh ranking would pick
    expect(rankedPartition(later, first, 1)).toMatchObject({ partition: 1, leader: 2 });
    expect(rankedPartition(later, first, 2).partition).toBe(0);
    expect(rankedPartition(later, first, 7).partition).toBe(2); // past the last: the quietest
    expect(() => rankedPartition(later.slice(0, 2), first, 3)).toThrow(/no partition 2/);
  });

  it('picks the leader, or a follower not already cut', () => {
    expect(replicaFor(ps[1]!, 'leader', new Set())).toBe(1);
    expect(replicaFor(ps[1]!, 'follower', new Set())).toBe(2);
    expect(replicaFor(ps[1]!, 'follower', new Set([2]))).toBe(3);
    expect(() => replicaFor(ps[1]!, 'follower', new Set([2, 3]))).toThrow(/no follower left/);
    expect(() => replicaFor({ ...ps[1]!, leader: -1 }, 'leader', new Set())).toThrow(/no leader/);
  });

  it('validates its schedule entries: role required, targets by role', () => {
    const ok = validateSchedule([
      { at: 0, fault: 'kill-leader', target: 'user-events', duration: 1000, params: { rank: 1 } },
      { at: 2000, fault: 'cut-replication', target: 'user-events', duration: 1000, params: { role: 'follower' } },
      { at: 4000, fault: 'kill-controller', target: 'kafka', duration: 1000, params: {} },
    ]);
    expect(ok.ok).toBe(true);
    const bad = validateSchedule([{ at: 0, fault: 'cut-replication', target: 'kafka-2', duration: 1000, params: {} }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.join('\n')).toMatch(/target of cut-replication must be one of user-events[\s\S]*params.role is required/);
  });

  it('never overlaps two role faults (each is resolved against the cluster the previous one left)', () => {
    const r = validateSchedule([
      { at: 0, fault: 'kill-leader', target: 'user-events', duration: 5000, params: {} },
      { at: 1000, fault: 'kill-controller', target: 'kafka', duration: 1000, params: {} },
    ]);
    expect(r.ok).toBe(false);
  });
});
