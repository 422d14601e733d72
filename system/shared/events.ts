// The event envelope: the contract between the command service (writes it),
// the relay (publishes it) and the projector (applies it). Change it in one place.

export const EVENT_TYPES = ['UserRegistered', 'UserRenamed', 'UserDeleted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Current schema version of each event payload. */
export const SCHEMA_VERSION = 1;

export interface UserRegisteredPayload {
  name: string;
  dateRegister: string;
}
export interface UserRenamedPayload {
  name: string;
}
export type UserDeletedPayload = Record<string, never>;

export interface PayloadByType {
  UserRegistered: UserRegisteredPayload;
  UserRenamed: UserRenamedPayload;
  UserDeleted: UserDeletedPayload;
}

export interface EventEnvelope<T extends EventType = EventType> {
  eventId: string; // UUIDv7: sortable by creation time
  streamId: string; // the user id
  streamVersion: number; // 1-based, contiguous per stream
  type: T;
  schemaVersion: number;
  occurredAt: string; // ISO-8601 UTC
  correlationId: string;
  causationId: string; // the command id (idempotency key or generated) that caused it
  traceparent?: string; // W3C trace context of the command's request
  payload: PayloadByType[T];
}

/** Kafka header names carried by every published event (values are UTF-8 strings). */
export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  streamVersion: 'stream-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
} as const;

export const TOPIC = 'user-events';
export const DLQ_TOPIC = 'user-events.dlq';
