import { describe, expect, it } from 'vitest';
import { checkTwoOwners } from './twoOwners.ts';
import { BASIC, healthyRun } from './testing.ts';
import type { AppliedEventRow } from './types.ts';

// BASIC applies a@1, b@1, a@2, a@3, b@2 from partition 0, offsets 0..4, in that log order.
function owned(by: readonly (string | undefined)[]) {
  const input = healthyRun(BASIC);
  input.read.applied.forEach((r, i) => {
    if (by[i] !== undefined) r.appliedBy = by[i];
  });
  return input;
}
const again = (r: AppliedEventRow, appliedBy: string): AppliedEventRow => ({ ...r, appliedBy });

describe('two-owners', () => {
  it('passes a partition handed over once (old owner stops, new owner goes on)', () => {
    expect(checkTwoOwners(owned(['p1/10', 'p1/10', 'p1/10', 'p2/20', 'p2/20'])).valid).toBe(true);
  });

  it("passes a new owner re-applying behind its predecessor (at-least-once's redelivery after a move)", () => {
    const input = owned(['p1/10', 'p1/10', 'p1/10', 'p1/10', 'p2/20']);
    input.read.applied.push(again(input.read.applied[3]!, 'p2/20')); // p2 re-applies offset 3 after taking over at 4
    expect(checkTwoOwners(input).valid).toBe(true);
  });

  it('finds the old owner writing an offset the new owner had already applied past (a zombie)', () => {
    const input = owned(['p1/10', 'p1/10', 'p2/20', 'p2/20', 'p2/20']);
    input.read.applied.push(again(input.read.applied[2]!, 'p1/10')); // p1 wakes and applies offset 2 again
    const r = checkTwoOwners(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'two-owners',
        streamId: 'a',
        data: expect.objectContaining({ partition: 0, offset: '2', zombie: 'p1/10', newOwner: 'p2/20', newOwnerOffset: '4' }),
      }),
    ]);
  });

  it('finds the old owner applying stale offsets the new owner skipped (commit-first zombie, no duplicate row)', () => {
    // p1 committed offsets 2..3 first, froze; p2 took over at 4; p1 wakes and applies 2..3 after p2's 4.
    const input = owned(['p1/10', 'p1/10', 'p2/20', 'p2/20', 'p2/20']);
    const [a2, a3, b2] = input.read.applied.slice(2);
    input.read.applied.splice(2, 3, b2!, again(a2!, 'p1/10'), again(a3!, 'p1/10'));
    expect(checkTwoOwners(input).anomalies.map((a) => a.data?.offset)).toEqual(['2', '3']);
  });

  it('tells a restarted process (new pid) from the one before it, and keeps partitions apart', () => {
    const input = owned(['p1/10', 'p1/10', 'p1/11', 'p1/11', 'p1/11']);
    input.read.applied.push({ ...again(input.read.applied[1]!, 'p1/10'), partition: 1 }); // another partition
    expect(checkTwoOwners(input).valid).toBe(true);
    input.read.applied.push(again(input.read.applied[1]!, 'p1/10')); // the dead pid writing on partition 0 again
    expect(checkTwoOwners(input).valid).toBe(false);
  });

  it('skips rows that name no writer or no Kafka position', () => {
    const input = owned([undefined, undefined, 'p2/20', 'p2/20', 'p2/20']);
    input.read.applied.push({ ...again(input.read.applied[2]!, 'p1/10'), partition: -1 });
    const { appliedBy: _, ...anonymous } = again(input.read.applied[2]!, 'p1/10');
    input.read.applied.push(anonymous); // an old row without a writer
    expect(checkTwoOwners(input).valid).toBe(true);
  });
});
