import { describe, expect, it } from 'vitest';
import type { InjectionEntry } from '../history/types.ts';
import { checkConflictMissed } from './conflictMissed.ts';
import { BASIC, healthyRun, wall, type TestInput } from './testing.ts';
import { DLQ_HEADERS, POISON_ID_HEADER } from './types.ts';

const copy = (offset: string, how: string, eventId: string, poisonId: string): InjectionEntry => ({
  type: 'inject',
  what: 'conflict',
  topic: 'user-events',
  partition: 0,
  offset,
  key: 'a',
  eventId,
  streamId: 'a',
  streamVersion: 2,
  poisonId,
  case: how,
  t: { ms: 100, wall: wall(100) },
});

function withCopies(): TestInput {
  const input = healthyRun(BASIC); // a reaches v3; both copies claim v2
  input.injections = [copy('50', 'other-id', 'forged-1', 'c1'), copy('51', 'other-content', 'e-a-2', 'c2')];
  return input;
}

const dlqByPosition = (offset: string) => ({
  partition: 0,
  offset: '9',
  key: 'a',
  value: null,
  headers: { [DLQ_HEADERS.originalTopic]: 'user-events', [DLQ_HEADERS.originalPartition]: '0', [DLQ_HEADERS.originalOffset]: offset },
});

describe('conflict-missed', () => {
  it('passes when every conflicting copy was dead-lettered (by original position or by its poison id)', () => {
    const input = withCopies();
    input.topics.dlq = [dlqByPosition('50'), { partition: 0, offset: '10', key: 'a', value: null, headers: { [POISON_ID_HEADER]: 'c2' } }];
    expect(checkConflictMissed(input)).toMatchObject({ valid: true, anomalies: [] });
  });

  it('flags a copy applied over the newer version, found in the applied log at its own position', () => {
    const input = withCopies();
    input.topics.dlq = [{ partition: 0, offset: '10', key: 'a', value: null, headers: { [POISON_ID_HEADER]: 'c2' } }];
    input.read.applied.push({ eventId: 'forged-1', streamId: 'a', streamVersion: 2, partition: 0, offset: '50', appliedAt: wall(200) });
    const r = checkConflictMissed(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ name: 'conflict-missed', eventId: 'forged-1', data: { how: 'other-id', applied: true } });
    expect(r.anomalies[0]!.message).toMatch(/applied/);
  });

  it('flags a copy that went nowhere (dropped as a duplicate), but not one still parked', () => {
    const input = withCopies();
    input.topics.dlq = [dlqByPosition('50')];
    expect(checkConflictMissed(input).anomalies.map((a) => [a.data?.how, a.data?.applied])).toEqual([['other-content', false]]);
    input.read.parked = [{ partition: 0, offset: '51', reason: 'blocked' }];
    expect(checkConflictMissed(input).valid).toBe(true);
  });

  it('a dead letter of another position does not account for a copy', () => {
    const input = withCopies();
    input.topics.dlq = [dlqByPosition('49'), dlqByPosition('51')];
    expect(checkConflictMissed(input).anomalies.map((a) => a.data?.offset)).toEqual(['50']);
  });

  it('ignores every other injection', () => {
    const input = healthyRun(BASIC);
    input.injections = [{ ...copy('50', 'x', 'e-a-2', 'p'), what: 'stale' }];
    expect(checkConflictMissed(input).valid).toBe(true);
  });
});
