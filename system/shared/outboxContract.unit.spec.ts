// The contract between the relay and the projector: the record the relay makes from an outbox row
// is one the projector's parser accepts, with every header. It lives here, between the two
// processes, so neither process folder imports the other.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../projector/parseRecord.ts';
import { envelopeJson, estimatedBytes, toEnvelope, toKafkaMessage, type OutboxRow } from '../relay/outboxMessage.ts';
import { envelopeToMessage, headersAsText } from './kafka.ts';

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
  payloadJson: '{"name":"Bo"}',
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

  it("the header carries the command's traceparent when the relay made no span of its own", () => {
    expect(headersAsText(toKafkaMessage(row).headers).traceparent).toBe(row.traceparent);
  });
});

// Rows as the command service writes them: ASCII ids (visible ASCII correlation ids, keys up to
// 255), any payload text JSON.stringify wrote, with or without a traceparent.
const visibleAscii = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: max });
const payloads = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.jsonValue(), { maxKeys: 6 });
const rows = fc.record({
  id: fc.nat(),
  eventId: fc.uuid(),
  streamId: fc.uuid(),
  streamVersion: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  type: fc.constantFrom('UserCreated', 'UserRenamed', 'UserDeleted'),
  schemaVersion: fc.integer({ min: 1, max: 9 }),
  occurredAt: fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
  correlationId: visibleAscii(128),
  causationId: visibleAscii(255),
  traceparent: fc.option(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), { nil: null }),
  payloadJson: payloads.map((p) => JSON.stringify(p)),
  createdAt: fc.constant(new Date(0)),
});

describe("the relay's spliced record", () => {
  it('is the record JSON.stringify would make of the parsed envelope, byte for byte', () => {
    fc.assert(
      fc.property(rows, (r) => {
        expect(envelopeJson(r)).toBe(JSON.stringify(toEnvelope(r)));
        const spliced = toKafkaMessage(r);
        const made = envelopeToMessage(toEnvelope(r));
        expect(spliced.key).toBe(made.key);
        expect(spliced.value).toBe(made.value);
        expect(headersAsText(spliced.headers)).toEqual(headersAsText(made.headers));
      }),
      { numRuns: 300 },
    );
  });

  it('weighs no more than its estimate', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const m = toKafkaMessage(r);
        const headers = Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + (v as Buffer).length, 0);
        const actual = Buffer.byteLength(String(m.key)) + Buffer.byteLength(String(m.value)) + headers;
        expect(actual).toBeLessThanOrEqual(estimatedBytes(r));
      }),
      { numRuns: 300 },
    );
  });
});
