import { describe, expect, it } from 'vitest';
import { checkParkedDuplicate, timeKey } from './parkedDuplicate.ts';
import { BASIC, healthyRun, type TestInput } from './testing.ts';
import type { ParkLogRow } from './types.ts';

// healthyRun applies e-a-2 (a v2) at 12:00:00.026 (ISO); the server writes TIMESTAMP(6) as text.
const park = (eventId: string, parkedAt: string, outcome: string | null = 'duplicate'): ParkLogRow => ({
  eventId,
  streamId: 'a',
  streamVersion: 2,
  reason: 'blocked',
  partition: 1,
  offset: '40',
  parkedAt,
  releasedAt: outcome === null ? null : '2026-11-28 12:00:09.000000',
  outcome,
});

function run(parkLog: ParkLogRow[], consumeMode?: TestInput['consumeMode']): TestInput {
  const input = healthyRun(BASIC);
  input.read.parkLog = parkLog;
  if (consumeMode) input.consumeMode = consumeMode;
  return input;
}

describe('parked-duplicate', () => {
  it('flags an event parked after the read model had applied it (the inbox was skipped)', () => {
    const r = checkParkedDuplicate(run([park('e-a-2', '2026-11-28 12:00:05.123456')], 'effectively-once'));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ name: 'parked-duplicate', eventId: 'e-a-2', streamId: 'a', data: { outcome: 'duplicate' } });
  });

  it('an event parked before its first apply (a gap, then drained) is no duplicate, to the microsecond', () => {
    expect(checkParkedDuplicate(run([park('e-a-2', '2026-11-28 12:00:00.025999', 'applied')])).valid).toBe(true);
    expect(checkParkedDuplicate(run([park('e-a-2', '2026-11-28 12:00:00.026000', 'applied')])).valid).toBe(true);
    expect(checkParkedDuplicate(run([park('e-a-2', '2026-11-28 12:00:00.026001', null)])).valid).toBe(false);
  });

  it('an event never applied (a forged one, still parked) is no duplicate', () => {
    expect(checkParkedDuplicate(run([park('forged', '2026-11-28 12:00:05.000000', null)])).valid).toBe(true);
  });

  it('modes without an inbox park duplicates by design: not judged', () => {
    const late = [park('e-a-2', '2026-11-28 12:00:05.000000')];
    expect(checkParkedDuplicate(run(late, 'at-least-once')).valid).toBe(true);
    expect(checkParkedDuplicate(run(late, 'at-most-once')).valid).toBe(true);
  });

  it('a run recorded without a park log has nothing to say', () => {
    expect(checkParkedDuplicate(healthyRun(BASIC)).valid).toBe(true);
  });

  it('reads server text and ISO times alike, and refuses anything else', () => {
    expect(timeKey('2026-11-28T12:00:00.026Z')).toBe('2026-11-28 12:00:00.026000');
    expect(timeKey('2026-11-28 12:00:00')).toBe('2026-11-28 12:00:00.000000');
    expect(() => timeKey('yesterday')).toThrow(/not a database time/);
  });
});
