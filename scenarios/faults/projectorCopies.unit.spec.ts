// The pure parts of the overtake, conflicting-copy, blocked-duplicate and table-lock families.
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../system/projector/contentHash.ts';
import { toEnvelope } from '../../system/relay/outboxMessage.ts';
import type { EventEnvelope } from '../../system/shared/events.ts';
import { pickBlockedDuplicate } from './blockedDuplicateFamily.ts';
import { conflictingEnvelope } from './conflictCopyFamily.ts';
import { envelopeOf } from './eventStoreRecord.ts';
import { pickOvertakes } from './overtakeFamily.ts';
import { validateSchedule } from './schedule.ts';

describe('overtake', () => {
  it('takes streams with two unsent rows past their registration, most unsent first', () => {
    const rows = [
      { streamId: 'a', firstUnsent: 4, unsent: 2 },
      { streamId: 'b', firstUnsent: 2, unsent: 5 },
      { streamId: 'c', firstUnsent: 7, unsent: 1 }, // nothing after it to overtake it
      { streamId: 'd', firstUnsent: 1, unsent: 3 }, // its registration unsent: v2 could not apply first anyway
    ];
    expect(pickOvertakes(rows, 5)).toEqual([
      { streamId: 'b', version: 3 },
      { streamId: 'a', version: 5 },
    ]);
    expect(pickOvertakes(rows, 1)).toEqual([{ streamId: 'b', version: 3 }]);
    expect(pickOvertakes([], 2)).toEqual([]);
  });
});

describe('a record built from the event store', () => {
  it("is the envelope the relay publishes: the projector's content hash matches", () => {
    const mine = envelopeOf({
      event_id: 'e4',
      stream_id: 's',
      stream_version: 4,
      type: 'UserRenamed',
      schema_version: 1,
      occurred_at: new Date('2026-11-28T09:00:00.123Z'),
      correlation_id: 'corr',
      causation_id: 'key-1',
      traceparent: null,
      payload: '{"name":"Zoë 👩‍💻"}',
    });
    const relays = toEnvelope({
      id: 1,
      eventId: 'e4',
      streamId: 's',
      streamVersion: 4,
      type: 'UserRenamed',
      schemaVersion: 1,
      occurredAt: new Date('2026-11-28T09:00:00.123Z'),
      correlationId: 'corr',
      causationId: 'key-1',
      traceparent: null,
      payloadJson: '{"name":"Zoë 👩‍💻"}',
      createdAt: new Date(),
    });
    expect(mine).toEqual(relays);
    expect(contentHash(mine)).toBe(contentHash(relays));
  });
});

describe('conflicting copy', () => {
  const e: EventEnvelope = {
    eventId: 'e2',
    streamId: 's',
    streamVersion: 2,
    type: 'UserRenamed',
    schemaVersion: 1,
    occurredAt: '2026-11-28T09:00:00.000Z',
    correlationId: 'c',
    causationId: 'k',
    payload: { name: 'x' },
  };

  it('changes the id, or keeps it and changes the content, and nothing else', () => {
    expect(conflictingEnvelope(e, 'other-id', () => 'fresh')).toEqual({ ...e, eventId: 'fresh' });
    expect(conflictingEnvelope(e, 'other-content', () => 'fresh')).toEqual({ ...e, correlationId: 'conflicting-copy-fresh' });
  });

  it('either way the projector sees other content at that version', () => {
    for (const how of ['other-id', 'other-content'] as const)
      expect(contentHash(conflictingEnvelope(e, how, () => 'f'))).not.toBe(contentHash(e));
  });
});

describe('blocked duplicate', () => {
  it('copies the newest applied event of a blocked stream that was never parked before', () => {
    const events = new Map([
      ['b', [{ eventId: 'b2', version: 2 }]],
      [
        'a',
        [
          { eventId: 'a3', version: 3 },
          { eventId: 'a2', version: 2 },
        ],
      ],
    ]);
    expect(pickBlockedDuplicate(events, new Set())).toEqual({ streamId: 'a', version: 3 });
    // a parked event is parked again without a trace: the next older one is taken
    expect(pickBlockedDuplicate(events, new Set(['a3']))).toEqual({ streamId: 'a', version: 2 });
    expect(pickBlockedDuplicate(events, new Set(['a3', 'a2']))).toEqual({ streamId: 'b', version: 2 });
    expect(pickBlockedDuplicate(new Map([['a', []]]), new Set())).toBeUndefined();
  });
});

describe('schedules of the new kinds', () => {
  it('accept their targets and refuse others', () => {
    const ok = (f: object) => validateSchedule([f]).ok;
    expect(ok({ at: 0, fault: 'overtake', target: 'relay', duration: 1500, params: { streams: 2 } })).toBe(true);
    expect(ok({ at: 0, fault: 'overtake', target: 'relay', duration: 0, params: {} })).toBe(false);
    expect(ok({ at: 0, fault: 'conflicting-copy', target: 'user-events', duration: 0, params: { how: 'other-id' } })).toBe(true);
    expect(ok({ at: 0, fault: 'conflicting-copy', target: 'user-events', duration: 0, params: { how: 'same' } })).toBe(false);
    expect(ok({ at: 0, fault: 'blocked-duplicate', target: 'user-events', duration: 0, params: {} })).toBe(true);
    expect(ok({ at: 0, fault: 'table-lock', target: 'queries-db', duration: 10_000, params: { table: 'applied_events' } })).toBe(true);
    expect(ok({ at: 0, fault: 'table-lock', target: 'queries-db', duration: 10_000, params: { table: 'x`; DROP TABLE y' } })).toBe(false);
    expect(ok({ at: 0, fault: 'table-lock', target: 'kafka', duration: 10_000, params: {} })).toBe(false);
  });
});
