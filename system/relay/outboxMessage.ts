// An outbox row as the Kafka record the projector expects: key = stream id, value = the event
// envelope as JSON, headers per HEADERS. Pure.
import type { Message } from 'kafkajs';
import type { EventEnvelope, EventType } from '../shared/events.ts';
import { envelopeToMessage } from '../shared/kafka.ts';

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
  payload: unknown; // parsed JSON
  createdAt: Date;
}

export function toEnvelope(row: OutboxRow): EventEnvelope {
  const env: EventEnvelope = {
    eventId: row.eventId,
    streamId: row.streamId,
    streamVersion: row.streamVersion,
    type: row.type as EventType,
    schemaVersion: row.schemaVersion,
    occurredAt: row.occurredAt.toISOString(),
    correlationId: row.correlationId,
    causationId: row.causationId,
    payload: row.payload as EventEnvelope['payload'],
  };
  if (row.traceparent) env.traceparent = row.traceparent;
  return env;
}

/**
 * `traceparent` (header) is the relay's publish span when tracing is on, so the projector's span
 * hangs under it; the envelope keeps the command's original traceparent.
 */
export function toKafkaMessage(row: OutboxRow, headerTraceparent?: string): Message {
  return envelopeToMessage(toEnvelope(row), headerTraceparent);
}
