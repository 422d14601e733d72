import { describe, expect, it } from 'vitest';
import {
  byBusiness,
  handsOverToAnswered,
  rankedPartition,
  ranking,
  replicaFor,
  restartTarget,
  successors,
  type PartitionFacts,
} from './brokerFamily.ts';
import { validateSchedule } from './schedule.ts';

const ps: PartitionFacts[] = [
  { partition: 0, leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2], records: 120 },
  { partition: 1, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], records: 480 },
  { partition: 2, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], records: 120 },
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
      { partition: 0, leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2], records: 300 },
      { partition: 1, leader: 2, replicas: [1, 2, 3], isr: [1, 2, 3], records: 481 },
      { partition: 2, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], records: 900 },
    ];
    expect(byBusiness(later, 1).partition).toBe(2); // what a fresh ranking would pick
    expect(rankedPartition(later, first, 1)).toMatchObject({ partition: 1, leader: 2 });
    expect(rankedPartition(later, first, 2).partition).toBe(0);
    expect(rankedPartition(later, first, 7).partition).toBe(2); // past the last: the quietest
    expect(() => rankedPartition(later.slice(0, 2), first, 3)).toThrow(/no partition 2/);
  });

  it('predicts where a gracefully stopped leader hands its partitions: the first other replica in the ISR', () => {
    expect(successors(ps, 1)).toEqual(new Map([[1, 2]]));
    const outOfSync: PartitionFacts[] = [{ partition: 1, leader: 1, replicas: [1, 2, 3], isr: [1, 3], records: 1 }];
    expect(successors(outOfSync, 1)).toEqual(new Map([[1, 3]]));
    expect(successors([{ ...outOfSync[0]!, isr: [1] }], 1)).toEqual(new Map([[1, undefined]]));
    expect(successors(ps, 4)).toEqual(new Map());
  });

  it('opens the unanswered-partition window only when every partition moves to a broker that leads one too', () => {
    // Balanced: 1 leads partition 1, which goes to 2, who leads partition 2 and so answers the same send.
    expect(handsOverToAnswered(ps, 1)).toBe(true);
    expect(handsOverToAnswered(ps, 3)).toBe(true);
    // After failovers, 3 leads everything: its partitions go to brokers that answered nothing.
    const one: PartitionFacts[] = ps.map((x) => ({ ...x, leader: 3 }));
    expect(handsOverToAnswered(one, 3)).toBe(false);
    // 2 leads partitions 1 and 2 (1 is out of partition 1's ISR), 3 leads partition 0.
    const two: PartitionFacts[] = [
      { partition: 0, leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2], records: 1 },
      { partition: 1, leader: 2, replicas: [1, 2, 3], isr: [2, 3], records: 1 },
      { partition: 2, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], records: 1 },
    ];
    expect(handsOverToAnswered(two, 2)).toBe(true); // both go to 3, which leads partition 0
    expect(handsOverToAnswered(two, 3)).toBe(false); // partition 0 goes to 1, which leads nothing
    expect(handsOverToAnswered(ps, 4)).toBe(false); // leads nothing: nothing to hand over
  });

  it('restarts the ranked leader when that forces the window, else another leader that does, else says it is not forced', () => {
    expect(restartTarget(ps, 1)).toEqual({ node: 1, forced: true });
    const two: PartitionFacts[] = [
      { partition: 0, leader: 3, replicas: [3, 1, 2], isr: [3, 1, 2], records: 1 },
      { partition: 1, leader: 2, replicas: [1, 2, 3], isr: [2, 3], records: 1 },
      { partition: 2, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1], records: 1 },
    ];
    expect(restartTarget(two, 3)).toEqual({ node: 2, forced: true }); // 3's partition would go to 1, which leads nothing
    expect(
      restartTarget(
        ps.map((x) => ({ ...x, leader: 3 })),
        3,
      ),
    ).toEqual({ node: 3, forced: false });
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
