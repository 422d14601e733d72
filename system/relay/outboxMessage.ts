// An outbox row as the Kafka record the projector expects: key = stream id, value = the event
// envelope as JSON, headers per HEADERS. Pure.
import type { Message } from 'kafkajs';
import type { EventEnvelope, EventType } from '../shared/events.ts';
import { recordOf } from '../shared/kafka.ts';

export interface OutboxRow {
  id: number;
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  occurredAt: Date;
  correlationId: string;
  causationId: string;
  traceparent: string | null;
  /** The payload as the outbox stores it: JSON text (the column only accepts valid JSON). */
  payloadJson: string;
  createdAt: Date;
}

type EnvelopeFields = Omit<EventEnvelope, 'payload' | 'traceparent'>;

function envelopeFields(row: OutboxRow): EnvelopeFields {
  return {
    eventId: row.eventId,
    streamId: row.streamId,
    streamVersion: row.streamVersion,
    type: row.type as EventType,
    schemaVersion: row.schemaVersion,
    occurredAt: row.occurredAt.toISOString(),
    correlationId: row.correlationId,
    causationId: row.causationId,
  };
}

export function toEnvelope(row: OutboxRow): EventEnvelope {
  const env: EventEnvelope = { ...envelopeFields(row), payload: JSON.parse(row.payloadJson) as EventEnvelope['payload'] };
  if (row.traceparent) env.traceparent = row.traceparent;
  return env;
}

/**
 * The envelope's JSON with the stored payload text spliced in, not parsed and re-serialised: the
 * same text as `JSON.stringify(toEnvelope(row))` whenever the payload was stored as
 * `JSON.stringify` wrote it (as the command service does), for a fraction of the CPU.
 */
export function envelopeJson(row: OutboxRow): string {
  return splice(envelopeFields(row), row);
}

function splice(fields: EnvelopeFields, row: OutboxRow): string {
  const head = JSON.stringify(fields);
  const tail = row.traceparent ? `,"traceparent":${JSON.stringify(row.traceparent)}}` : '}';
  return `${head.slice(0, -1)},"payload":${row.payloadJson}${tail}`;
}

/**
 * `traceparent` (header) is the relay's publish span when one is made (traces exported), so the
 * projector's span hangs under it; otherwise, and always in the envelope, the command's own.
 */
export function toKafkaMessage(row: OutboxRow, headerTraceparent?: string): Message {
  const fields = envelopeFields(row); // once per row: the record's key, headers and JSON all come from it
  return recordOf(fields, splice(fields, row), headerTraceparent ?? row.traceparent ?? undefined);
}

/**
 * What a row weighs as a Kafka record, from above for rows the command service writes (ASCII ids,
 * which JSON escapes at most double): the payload text as it is, the other fields once in the
 * envelope and once as headers, and room for the names and framing. A send aims at half the
 * broker's limit, which covers rows written otherwise.
 */
export function estimatedBytes(r: OutboxRow): number {
  const fields = Buffer.byteLength(r.eventId + r.streamId + r.type + r.correlationId + r.causationId + (r.traceparent ?? ''));
  return Buffer.byteLength(r.payloadJson) + 3 * fields + 384;
}
