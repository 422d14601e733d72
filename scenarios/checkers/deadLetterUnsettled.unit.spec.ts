import { describe, expect, it } from 'vitest';
import { checkDeadLetterUnsettled } from './deadLetterUnsettled.ts';
import { BASIC, healthyRun, type TestInput } from './testing.ts';
import type { DeadLetterLogRow } from './types.ts';

// healthyRun applies stream a from partition 0: e-a-1 (v1) at 12:00:00.006, e-a-2 (v2) at .026,
// e-a-3 (v3) at .046; the server writes TIMESTAMP(6) as text.
const dead = (over: Partial<DeadLetterLogRow> = {}): DeadLetterLogRow => ({
  id: 9,
  streamId: 'a',
  eventId: 'e-a-3',
  streamVersion: 3,
  status: 'open',
  blocksStream: true,
  createdAt: '2026-11-28 12:00:00.030000',
  resolvedAt: null,
  ...over,
});

function run(deadLetters: DeadLetterLogRow[], replayed = true): TestInput {
  const input = healthyRun(BASIC);
  input.read.deadLetters = deadLetters;
  // e-a-3 came back through `dlq replay`: applied with no Kafka position.
  if (replayed) for (const a of input.read.applied) if (a.eventId === 'e-a-3') a.partition = -1;
  return input;
}

describe('dead-letter-unsettled', () => {
  it('flags a dead letter left open after a replay applied its event (the replay forgot to resolve it)', () => {
    const r = checkDeadLetterUnsettled(run([dead()]));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({
      name: 'dead-letter-unsettled',
      streamId: 'a',
      eventId: 'e-a-3',
      data: { deadLetter: 9, appliedEvent: 'e-a-3' },
    });
    expect(r.anomalies[0]!.message).toContain('its own event');
  });

  it('flags an open dead letter whose stream moved on past its version after it was created', () => {
    const r = checkDeadLetterUnsettled(
      run([dead({ eventId: 'forged', streamVersion: 2, createdAt: '2026-11-28 12:00:00.010000' })], false),
    );
    expect(r.anomalies.map((a) => a.data?.appliedEvent)).toEqual(['e-a-2']);
  });

  it('accepts the same dead letter once resolved, and open ones that nothing got past', () => {
    expect(checkDeadLetterUnsettled(run([dead({ status: 'replayed', resolvedAt: '2026-11-28 12:00:00.046000' })])).valid).toBe(true);
    // created after everything of a was applied: what was applied before it is not its concern
    expect(checkDeadLetterUnsettled(run([dead({ createdAt: '2026-11-28 12:00:00.050000' })])).valid).toBe(true);
    // a conflicting copy holds nothing back
    expect(checkDeadLetterUnsettled(run([dead({ blocksStream: false })])).valid).toBe(true);
    // a later version of the stream than anything applied, with an event never applied
    expect(checkDeadLetterUnsettled(run([dead({ eventId: 'e-a-4', streamVersion: 4 })], false)).valid).toBe(true);
    // unreadable record: no event, no version
    expect(checkDeadLetterUnsettled(run([dead({ eventId: null, streamVersion: null })])).valid).toBe(true);
    expect(checkDeadLetterUnsettled(healthyRun(BASIC)).valid).toBe(true); // no dead_letters read
  });

  it('flags a dead letter marked replayed whose event never reached the read model', () => {
    const r = checkDeadLetterUnsettled(
      run([dead({ eventId: 'e-a-4', streamVersion: 4, status: 'replayed', resolvedAt: '2026-11-28 12:00:00.060000' })], false),
    );
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]!.message).toContain('never applied');
    expect(checkDeadLetterUnsettled(run([dead({ eventId: 'e-a-4', streamVersion: 4, status: 'discarded' })], false)).valid).toBe(true);
  });
});
