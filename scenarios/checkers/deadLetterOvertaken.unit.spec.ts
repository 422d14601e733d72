import { describe, expect, it } from 'vitest';
import { checkDeadLetterOvertaken } from './deadLetterOvertaken.ts';
import { BASIC, healthyRun, type TestInput } from './testing.ts';
import type { DeadLetterLogRow } from './types.ts';

// healthyRun applies stream a from partition 0: e-a-1 (v1) at 12:00:00.006, e-a-2 (v2) at .026,
// e-a-3 (v3) at .046 (ISO); the server writes TIMESTAMP(6) as text.
const dead = (over: Partial<DeadLetterLogRow> = {}): DeadLetterLogRow => ({
  id: 7,
  streamId: 'a',
  eventId: 'forged',
  streamVersion: 2,
  status: 'discarded',
  blocksStream: true,
  createdAt: '2026-11-28 12:00:00.010000',
  resolvedAt: '2026-11-28 12:00:00.090000',
  ...over,
});

function run(deadLetters: DeadLetterLogRow[]): TestInput {
  const input = healthyRun(BASIC);
  input.read.deadLetters = deadLetters;
  return input;
}

describe('dead-letter-overtaken', () => {
  it('flags the genuine next versions applied from the topic while a forged dead letter at v2 was open', () => {
    // A projector that does not block the stream: a's v2 and v3 apply at once; the discard later
    // changes nothing, so the final read model equals the fold and no other checker sees it.
    const r = checkDeadLetterOvertaken(run([dead()]));
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => [a.eventId, a.versions])).toEqual([
      ['e-a-2', [2, 2]],
      ['e-a-3', [2, 3]],
    ]);
    expect(r.anomalies[0]).toMatchObject({ name: 'dead-letter-overtaken', streamId: 'a', data: { deadLetter: 7 } });
  });

  it('accepts what parked behind it and was released by the discard (no Kafka position)', () => {
    const input = run([dead()]);
    for (const a of input.read.applied) if (a.eventId === 'e-a-2' || a.eventId === 'e-a-3') a.partition = -1;
    expect(checkDeadLetterOvertaken(input).valid).toBe(true);
  });

  it("flags a dead-lettered event's own redelivery applied while its dead letter is open", () => {
    const own = dead({ eventId: 'e-a-1', streamVersion: 1, status: 'replayed', createdAt: '2026-11-28 12:00:00.001000' });
    expect(checkDeadLetterOvertaken(run([own])).anomalies.map((a) => a.eventId)).toEqual(['e-a-1', 'e-a-2', 'e-a-3']);
  });

  it('judges only earlier-or-equal dead letters that block, and only while open, to the microsecond', () => {
    expect(checkDeadLetterOvertaken(run([dead({ blocksStream: false })])).valid).toBe(true); // a conflicting copy
    expect(checkDeadLetterOvertaken(run([dead({ streamVersion: 4 })])).valid).toBe(true); // later than all applied
    expect(checkDeadLetterOvertaken(run([dead({ streamId: 'b', streamVersion: 3 })])).valid).toBe(true); // b ends at v2
    // e-a-2 at .026000: created at that very microsecond or resolved by then is not "while open"
    expect(checkDeadLetterOvertaken(run([dead({ createdAt: '2026-11-28 12:00:00.026000' })])).anomalies.map((a) => a.eventId)).toEqual([
      'e-a-3',
    ]);
    expect(checkDeadLetterOvertaken(run([dead({ resolvedAt: '2026-11-28 12:00:00.026000' })])).valid).toBe(true);
    expect(checkDeadLetterOvertaken(run([dead({ resolvedAt: '2026-11-28 12:00:00.026001' })])).anomalies).toHaveLength(1);
  });

  it('an open dead letter without a version holds back every version; one still open holds to the end', () => {
    expect(checkDeadLetterOvertaken(run([dead({ streamVersion: null })])).anomalies).toHaveLength(2);
    expect(checkDeadLetterOvertaken(run([dead({ status: 'open', resolvedAt: null })])).anomalies).toHaveLength(2);
  });

  it('a run recorded without the dead_letters table has nothing to say', () => {
    expect(checkDeadLetterOvertaken(healthyRun(BASIC)).valid).toBe(true);
  });
});
