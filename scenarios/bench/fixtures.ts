// Synthetic events for pre-filling the outbox and the topic, and the rows the raw baselines
// write. One stream per two events: a registration then a rename, so the projector exercises both
// its insert and its update path. Pure but for the id source.
import { randomUUID } from 'node:crypto';
import type { Message } from 'kafkajs';
import { SCHEMA_VERSION, type EventEnvelope } from '../../system/shared/events.ts';
import { envelopeToMessage } from '../../system/shared/kafka.ts';

export function benchEvents(n: number, newId: () => string = randomUUID, at = new Date()): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let stream = '';
  for (let i = 0; i < n; i++) {
    const first = i % 2 === 0;
    if (first) stream = newId();
    const common = {
      eventId: newId(),
      streamId: stream,
      streamVersion: first ? 1 : 2,
      schemaVersion: SCHEMA_VERSION,
      occurredAt: at.toISOString(),
      correlationId: `bench-${i}`,
      causationId: `bench-${i}`,
    };
    out.push(
      first
        ? { ...common, type: 'UserRegistered', payload: { name: `bench user ${i}`, dateRegister: '2026-11-28' } }
        : { ...common, type: 'UserRenamed', payload: { name: `bench user ${i} renamed` } },
    );
  }
  return out;
}

/** Column values of an `events` / `outbox` row (same columns in both tables). */
export function eventRow(e: EventEnvelope): unknown[] {
  return [
    e.eventId,
    e.streamId,
    e.streamVersion,
    e.type,
    e.schemaVersion,
    new Date(e.occurredAt),
    e.correlationId,
    e.causationId,
    null,
    JSON.stringify(e.payload),
  ];
}

export const EVENT_COLUMNS =
  '(event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload)';

/** The record the relay would publish for `e` (same key, value and headers as outboxMessage.ts). */
export function kafkaRecord(e: EventEnvelope): Message {
  return envelopeToMessage(e);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError('chunk size must be ≥ 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
