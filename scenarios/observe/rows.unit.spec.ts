import { describe, expect, it } from 'vitest';
import { appliedOf, deadLetterOf, parkedOf, readUserOf, writeEventOf } from './rows.ts';

describe('final-state rows', () => {
  it("parses a stored event's JSON payload and keeps its causation id", () => {
    const e = writeEventOf({
      event_id: 'e1',
      stream_id: 'u',
      stream_version: 2,
      type: 'UserRenamed',
      payload: '{"name":"Zoë 👩‍💻"}',
      occurred_at: new Date('2026-01-01T00:00:00.123Z'),
      causation_id: 'k1',
    });
    expect(e).toEqual({
      eventId: 'e1',
      streamId: 'u',
      streamVersion: 2,
      type: 'UserRenamed',
      payload: { name: 'Zoë 👩‍💻' },
      occurredAt: '2026-01-01T00:00:00.123Z',
      causationId: 'k1',
    });
  });

  it('maps USER_DATA flags and counts, and big offsets stay strings', () => {
    expect(
      readUserOf({ ID_USER_DATA: 'u', NAME: 'A', DATE_REGISTER: '2026-01-01 00:00:00', VERSION: '3', DELETED: 1, APPLIED_COUNT: '4' }),
    ).toEqual({
      idUserData: 'u',
      name: 'A',
      dateRegister: '2026-01-01 00:00:00',
      version: 3,
      deleted: true,
      appliedCount: 4,
    });
    expect(
      appliedOf({
        event_id: 'e',
        stream_id: 'u',
        stream_version: 1,
        kafka_partition: 2,
        kafka_offset: '9007199254740993',
        applied_at: 'x',
        applied_by: 'projector#2/4711',
      }),
    ).toMatchObject({ partition: 2, offset: '9007199254740993', appliedBy: 'projector#2/4711' });
    const replayed = appliedOf({
      event_id: 'e',
      stream_id: 'u',
      stream_version: 1,
      kafka_partition: null,
      kafka_offset: null,
      applied_at: 'x',
      applied_by: null,
    });
    expect(replayed).toMatchObject({ partition: -1, offset: '' });
    expect(replayed).not.toHaveProperty('appliedBy');
    expect(
      parkedOf({ event_id: 'e', stream_id: 'u', stream_version: 5, kafka_partition: null, kafka_offset: null, reason: 'gap' }),
    ).toEqual({ eventId: 'e', streamId: 'u', streamVersion: 5, partition: undefined, offset: undefined, reason: 'gap' });
  });

  it('maps a dead letter: a poison one may have no stream or version, an open one no resolution time', () => {
    expect(
      deadLetterOf({
        id: '3',
        stream_id: null,
        event_id: null,
        stream_version: null,
        status: 'open',
        blocks_stream: 1,
        created_at: '2026-01-01 00:00:00.000001',
        resolved_at: null,
      }),
    ).toEqual({
      id: 3,
      streamId: null,
      eventId: null,
      streamVersion: null,
      status: 'open',
      blocksStream: true,
      createdAt: '2026-01-01 00:00:00.000001',
      resolvedAt: null,
    });
    expect(
      deadLetterOf({
        id: 4,
        stream_id: 'u',
        event_id: 'e',
        stream_version: '7',
        status: 'discarded',
        blocks_stream: 0,
        created_at: 'x',
        resolved_at: 'y',
      }),
    ).toMatchObject({ streamVersion: 7, blocksStream: false, resolvedAt: 'y' });
  });

  it("maps a dead letter's position, key and value digests (null kept null) and stored headers", () => {
    const d = deadLetterOf({
      id: 5,
      stream_id: null,
      event_id: null,
      stream_version: null,
      status: 'open',
      blocks_stream: 1,
      created_at: 'x',
      resolved_at: null,
      topic: 'user-events',
      kafka_partition: 2,
      kafka_offset: '9007199254740993',
      key_length: null,
      key_sha256: null,
      value_length: '3',
      value_sha256: 'ab',
      headers: '{"x-rep":["YQ==",null],"x-null":null}',
      topic_copy: 'truncated',
    });
    expect(d).toMatchObject({
      topic: 'user-events',
      partition: 2,
      offset: '9007199254740993',
      key: null,
      value: { length: 3, sha256: 'ab' },
      headers: { 'x-rep': ['YQ==', null], 'x-null': null },
      topicCopy: 'truncated',
    });
  });
});
