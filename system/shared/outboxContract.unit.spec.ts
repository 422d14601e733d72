// The contract between the relay and the projector: the record the relay makes from an outbox row
// is one the projector's parser accepts, with every header. It lives here, between the two
// processes, so neither process folder imports the other.
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../projector/parseRecord.ts';
import { toKafkaMessage, type OutboxRow } from '../relay/outboxMessage.ts';
import { headersAsText } from './kafka.ts';

const row: OutboxRow = {
  id: 7,
  eventId: '0190a0b0-0000-7000-8000-0000000000aa',
  streamId: '0190a0b0-0000-7000-8000-000000000001',
  streamVersion: 2,
  type: 'UserRenamed',
  schemaVersion: 1,
  occurredAt: new Date('2026-11-28T10:00:00.123Z'),
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  payload: { name: 'Bo' },
  createdAt: new Date(),
};

describe('outbox row → Kafka record → projector (contract)', () => {
  it('keys by stream id, carries every header and an envelope the projector accepts', () => {
    const m = toKafkaMessage(row, '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01');
    expect(m.key).toBe(row.streamId);
    expect(headersAsText(m.headers)).toEqual({
      'event-id': row.eventId,
      'event-type': 'UserRenamed',
      'schema-version': '1',
      'stream-version': '2',
      'correlation-id': 'corr-1',
      'causation-id': 'cmd-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
    });
    const parsed = parseRecord(Buffer.from(String(m.key)), Buffer.from(String(m.value)));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.event.occurredAt).toBe('2026-11-28T10:00:00.123Z');
      expect(parsed.event.traceparent).toBe(row.traceparent); // the envelope keeps the command's
    }
  });

  it('omits the traceparent header when there is none', () => {
    const m = toKafkaMessage({ ...row, traceparent: null });
    expect('traceparent' in (m.headers ?? {})).toBe(false);
  });
});
