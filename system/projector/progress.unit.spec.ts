import { describe, expect, it } from 'vitest';
import { blindAfterMs, blindReason, stallReason, updateProgress, type PartitionProgress } from './progress.ts';

const obs = (nextOffset: number, highWatermark: number) => [
  { partition: 0, nextOffset: BigInt(nextOffset), highWatermark: BigInt(highWatermark) },
];
const STALL = 10_000;

function run(steps: Array<[at: number, next: number, hwm: number]>): Map<number, PartitionProgress> {
  let p = new Map<number, PartitionProgress>();
  for (const [at, n, h] of steps) p = updateProgress(p, obs(n, h), at, STALL);
  return p;
}

describe('updateProgress', () => {
  it('measures lag against the live high watermark', () => {
    expect(run([[0, 5, 12]]).get(0)?.lag).toBe(7);
  });

  it('reports a partition behind and not advancing for the stall time, with the reason', () => {
    const p = run([
      [0, 5, 12],
      [5_000, 5, 12],
      [10_000, 5, 13],
    ]);
    expect(p.get(0)?.stalledSince).toBe(10_000);
    expect(stallReason(p, 10_000)).toBe('partition 0 has not advanced from offset 5 for 10 s with 8 record(s) behind');
  });

  it('is not stalled just before the stall time, while advancing, or when caught up', () => {
    expect(
      run([
        [0, 5, 12],
        [9_999, 5, 12],
      ]).get(0)?.stalledSince,
    ).toBeNull();
    expect(
      run([
        [0, 5, 100],
        [6_000, 6, 100],
        [12_000, 7, 100],
      ]).get(0)?.stalledSince,
    ).toBeNull();
    expect(
      run([
        [0, 12, 12],
        [20_000, 12, 12],
      ]).get(0)?.stalledSince,
    ).toBeNull();
  });

  it('counts the stall time from when the partition was last seen caught up, not from its last record', () => {
    // Idle at 12 for a long time, then new records arrive and the position stays.
    const p = run([
      [0, 12, 12],
      [60_000, 12, 12],
      [61_000, 12, 15],
      [69_999, 12, 15],
    ]);
    expect(p.get(0)?.stalledSince).toBeNull();
    expect(
      stallReason(
        run([
          [0, 12, 12],
          [60_000, 12, 12],
          [61_000, 12, 15],
          [70_000, 12, 15],
        ]),
        70_000,
      ),
    ).toBeDefined();
  });

  it('clears the stall once the partition advances', () => {
    const p = run([
      [0, 5, 12],
      [10_000, 5, 12],
      [11_000, 6, 12],
    ]);
    expect(p.get(0)?.stalledSince).toBeNull();
    expect(stallReason(p, 11_000)).toBeUndefined();
  });
});

describe('blindReason', () => {
  it('stops vouching for the last lag once the broker has not answered for the blind time', () => {
    const blind = blindAfterMs(30_000, 1_000);
    expect(blind).toBe(3_000);
    expect(blindReason(10_000, 12_999, blind)).toBeUndefined();
    expect(blindReason(10_000, 13_000, blind)).toBe('lag unknown: the broker has not answered the progress check for 3 s');
  });

  it('never waits longer than the stall time, nor less than three checks', () => {
    expect(blindAfterMs(2_000, 1_000)).toBe(2_000);
    expect(blindAfterMs(30_000, 5_000)).toBe(15_000);
  });
});
