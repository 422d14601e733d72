import { describe, expect, it } from 'vitest';
import { contentHash } from './contentHash.ts';
import { conflictOf, decide, type PriorApply } from './decide.ts';
import type { EventEnvelope } from '../shared/events.ts';

const e: EventEnvelope = {
  eventId: '0190a0b0-0000-7000-8000-0000000000aa',
  streamId: '0190a0b0-0000-7000-8000-000000000001',
  streamVersion: 2,
  type: 'UserRenamed',
  schemaVersion: 1,
  occurredAt: '2026-11-28T10:00:00.000Z',
  correlationId: 'c',
  causationId: 'k',
  payload: { name: 'Bo' },
};
const applied = (over: Partial<PriorApply> = {}): PriorApply => ({
  eventId: e.eventId,
  streamId: e.streamId,
  streamVersion: 2,
  contentSha256: contentHash(e),
  ...over,
});

describe('conflictOf', () => {
  it('sees no conflict in a true redelivery (same id, same content), whatever its delivery details', () => {
    const again = { ...e, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', occurredAt: '2026-11-28T10:00:00Z' };
    expect(conflictOf(again, contentHash(again), applied(), null)).toBeUndefined();
    expect(conflictOf(e, contentHash(e), null, e.eventId)).toBeUndefined();
  });

  it('sees the same id with other content as a conflict', () => {
    const forged = { ...e, payload: { name: 'Mallory' } };
    expect(conflictOf(forged, contentHash(forged), applied(), null)).toMatch(/applied with other content/);
  });

  it('sees the same id at another stream or version as a conflict', () => {
    expect(conflictOf(e, contentHash(e), applied({ streamVersion: 3 }), null)).toMatch(/was applied as .*@3/);
  });

  it('sees an applied version arriving under another event id as a conflict', () => {
    const other = { ...e, eventId: '0190a0b0-0000-7000-8000-0000000000bb' };
    expect(conflictOf(other, contentHash(other), null, e.eventId)).toMatch(/version 2 of stream .* was applied by event/);
  });

  it('makes decide answer conflict before anything else, in every mode', () => {
    for (const mode of ['effectively-once', 'at-least-once', 'at-most-once'] as const) {
      expect(decide(mode, { inInbox: false, blocked: true, lastVersion: 5, conflict: 'x' }, 2)).toBe('conflict');
      expect(decide(mode, { inInbox: false, blocked: false, lastVersion: 1 }, 2)).toBe('apply');
    }
  });
});
