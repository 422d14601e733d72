// The pure parts of the overtake, conflicting-copy, blocked-duplicate and table-lock families.
import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../system/shared/events.ts';
import { contentHash } from '../../system/projector/contentHash.ts';
import { toEnvelope } from '../../system/relay/outboxMessage.ts';
import { pickBlockedDuplicate } from './blockedDuplicateFamily.ts';
import { conflictingEnvelope, pickConflictTargets } from './conflictCopyFamily.ts';
import type { TopicRecord } from './family.ts';
import { envelopeOf, pickOvertakes } from './overtakeFamily.ts';
import { eventsByStream } from './redeliveryFamily.ts';
import { validateSchedule } from './schedule.ts';

const rec = (stream: string, version: number, offset: number, partition = 0, type = 'UserRenamed'): TopicRecord => ({
  partition,
  offset: String(offset),
  key: Buffer.from(stream),
  value: Buffer.from(JSON.stringify({ eventId: `${stream}-e${version}`, streamId: stream, streamVersion: version, correlationId: 'c' })),
  headers: {
    [HEADERS.eventId]: Buffer.from(`${stream}-e${version}`),
    [HEADERS.streamVersion]: Buffer.from(String(version)),
    [HEADERS.eventType]: Buffer.from(type),
  },
});

const topic = eventsByStream([
  rec('a', 1, 0, 2, 'UserRegistered'),
  rec('a', 2, 1, 2),
  rec('a', 3, 2, 2),
  rec('b', 1, 3, 1, 'UserRegistered'),
  rec('b', 2, 4, 1),
  rec('c', 1, 5, 0, 'UserRegistered'),
]);

describe('overtake', () => {
  it('takes streams whose write side is two or more past the topic, on their own partition, most behind first', () => {
    const written = new Map([
      ['a', 5], // 3 on the topic: 5 is written, 4 is not yet published
      ['b', 4],
      ['c', 2], // only one unpublished event: nothing can overtake
      ['d', 9], // not on the topic yet: partition unknown
    ]);
    expect(pickOvertakes(topic, written, 5)).toEqual([
      { streamId: 'a', version: 5, partition: 2 },
      { streamId: 'b', version: 4, partition: 1 },
    ]);
    expect(pickOvertakes(topic, written, 1)).toEqual([{ streamId: 'a', version: 5, partition: 2 }]);
    expect(pickOvertakes(topic, new Map([['a', 4]]), 5)).toEqual([]);
  });

  it("builds from the event store the envelope the relay publishes: the projector's content hash matches", () => {
    const common = {
      stream_id: 's',
      stream_version: 4,
      type: 'UserRenamed',
      schema_version: 1,
      correlation_id: 'corr',
      causation_id: 'key-1',
      traceparent: null,
    };
    const mine = envelopeOf({ ...common, event_id: 'e4', occurred_at: new Date('2026-11-28T09:00:00.123Z'), payload: '{"name":"Zoë 👩‍💻"}' });
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
      payload: { name: 'Zoë 👩‍💻' },
      createdAt: new Date(),
    });
    expect(mine).toEqual(relays);
    expect(contentHash(mine)).toBe(contentHash(relays));
  });
});

describe('conflicting copy', () => {
  it('targets the rename one below the applied version, busiest stream first', () => {
    const applied = new Map([
      ['a', 3],
      ['b', 2], // b v1 is a registration: a copy of it could fail for reasons other than the version rule
      ['c', 1],
    ]);
    expect(pickConflictTargets(topic, applied, 3).map((e) => [e.streamId, e.version])).toEqual([['a', 2]]);
    expect(pickConflictTargets(topic, new Map([['a', 2]]), 3)).toEqual([]);
  });

  it('changes the id, or keeps it and changes the content, and nothing else', () => {
    const value = rec('a', 2, 1).value!;
    const original = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    expect(conflictingEnvelope(value, 'other-id', () => 'fresh')).toEqual({ ...original, eventId: 'fresh' });
    expect(conflictingEnvelope(value, 'other-content', () => 'fresh')).toEqual({ ...original, correlationId: 'conflicting-copy-fresh' });
  });
});

describe('blocked duplicate', () => {
  it('copies the newest applied event of a blocked stream, never one not applied yet', () => {
    expect(
      pickBlockedDuplicate(
        topic,
        ['b', 'a'],
        new Map([
          ['a', 2],
          ['b', 2],
        ]),
      ),
    ).toMatchObject({ streamId: 'a', version: 2 });
    expect(pickBlockedDuplicate(topic, ['a'], new Map([['a', 0]]))).toBeUndefined();
    // a parked event is parked again without a trace: the next older one is taken
    expect(pickBlockedDuplicate(topic, ['a'], new Map([['a', 3]]), new Set(['a-e3']))).toMatchObject({ version: 2 });
    expect(pickBlockedDuplicate(topic, ['zz'], new Map([['zz', 3]]))).toBeUndefined();
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
