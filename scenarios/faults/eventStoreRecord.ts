// A stored event as the Kafka record the relay publishes for it, built from the event store
// (`commands.events`): the same key, value and headers, so the projector's content hash is the
// original's. Reading one row is cheap where reading the whole topic back is not (a consumer
// group join, seconds on a loaded machine).
import { TOPIC, type EventEnvelope, type EventType } from '../../system/shared/events.ts';
import { envelopeToMessage } from '../../system/shared/kafka.ts';
import type { FaultContext } from './family.ts';

export interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: Date | string;
  correlation_id: string;
  causation_id: string;
  traceparent: string | null;
  payload: unknown;
}

/** An event-store row as the envelope the relay publishes (same fields, same content hash). */
export function envelopeOf(r: EventRow): EventEnvelope {
  const env: EventEnvelope = {
    eventId: r.event_id,
    streamId: r.stream_id,
    streamVersion: Number(r.stream_version),
    type: r.type as EventType,
    schemaVersion: Number(r.schema_version),
    occurredAt: new Date(r.occurred_at).toISOString(),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as EventEnvelope['payload'],
  };
  if (r.traceparent) env.traceparent = r.traceparent;
  return env;
}

/** The stored event of a stream at a version, or undefined. */
export async function storedEvent(ctx: FaultContext, streamId: string, version: number): Promise<EventEnvelope | undefined> {
  const [row] = await ctx.tools.query<EventRow>(
    'commands',
    `SELECT event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload
       FROM events WHERE stream_id = ? AND stream_version = ?`,
    [streamId, version],
  );
  return row ? envelopeOf(row) : undefined;
}

/**
 * Produces `e` as the relay would: keyed by its stream id with no partition given, so the
 * producer's partitioner (the relay's: Java-compatible murmur2 on the key) puts it on the
 * stream's partition. Returns where it landed.
 */
export async function produceEvent(ctx: FaultContext, e: EventEnvelope, extraHeaders: Record<string, string> = {}) {
  const m = envelopeToMessage(e);
  const headers: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(m.headers)) if (v !== undefined) headers[k] = v as Buffer | string;
  return ctx.tools.produce(TOPIC, { key: m.key, value: m.value, headers: { ...headers, ...extraHeaders } });
}
