// Database rows (as mysql2 returns them, DATETIMEs as strings, BIGINTs as strings) mapped to the
// checkers' camelCase row types.
import type {
  AppliedEventRow,
  DeadLetterLogRow,
  ParkedEventRow,
  ParkLogRow,
  ReadUserDataRow,
  UserDataRow,
  WriteEventRow,
} from '../checkers/types.ts';

export type Row = Record<string, unknown>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

/** `commands.events`. */
export function writeEventOf(r: Row): WriteEventRow {
  return {
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    type: String(r.type),
    payload: json(r.payload),
    occurredAt: iso(r.occurred_at),
    causationId: String(r.causation_id),
  };
}

/** `USER_DATA` of either database. */
export function userRow(r: Row): UserDataRow {
  return {
    idUserData: String(r.ID_USER_DATA),
    name: String(r.NAME),
    dateRegister: iso(r.DATE_REGISTER),
    version: Number(r.VERSION),
    deleted: Number(r.DELETED) === 1,
  };
}

export const readUserOf = (r: Row): ReadUserDataRow => ({ ...userRow(r), appliedCount: Number(r.APPLIED_COUNT) });

/** `queries.applied_events`; a row without a Kafka position (a replay) gets partition −1. */
export function appliedOf(r: Row): AppliedEventRow {
  return {
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    partition: Number(r.kafka_partition ?? -1),
    offset: String(r.kafka_offset ?? ''),
    appliedAt: iso(r.applied_at),
    ...(r.applied_by ? { appliedBy: String(r.applied_by) } : {}),
  };
}

/** `queries.parked_events`. */
export function parkedOf(r: Row): ParkedEventRow {
  return {
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    ...(r.kafka_partition == null ? {} : { partition: Number(r.kafka_partition) }),
    ...(r.kafka_offset == null ? {} : { offset: String(r.kafka_offset) }),
    reason: String(r.reason),
  };
}

/** `queries.parked_events`, released rows too. */
export function parkLogOf(r: Row): ParkLogRow {
  return {
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    reason: String(r.reason),
    ...(r.kafka_partition == null ? {} : { partition: Number(r.kafka_partition) }),
    ...(r.kafka_offset == null ? {} : { offset: String(r.kafka_offset) }),
    parkedAt: iso(r.parked_at),
    releasedAt: r.released_at == null ? null : iso(r.released_at),
    outcome: r.outcome == null ? null : String(r.outcome),
  };
}

/** `queries.dead_letters`: the record's key and value by length and SHA-256, its headers as stored. */
export function deadLetterOf(r: Row): DeadLetterLogRow {
  return {
    id: Number(r.id),
    streamId: r.stream_id == null ? null : String(r.stream_id),
    eventId: r.event_id == null ? null : String(r.event_id),
    streamVersion: r.stream_version == null ? null : Number(r.stream_version),
    status: String(r.status),
    blocksStream: Number(r.blocks_stream) === 1,
    createdAt: iso(r.created_at),
    resolvedAt: r.resolved_at == null ? null : iso(r.resolved_at),
    ...(r.kafka_partition == null ? {} : { topic: String(r.topic), partition: Number(r.kafka_partition), offset: String(r.kafka_offset) }),
    ...('key_sha256' in r ? { key: r.key_length == null ? null : { length: Number(r.key_length), sha256: String(r.key_sha256) } } : {}),
    ...('value_sha256' in r
      ? { value: r.value_length == null ? null : { length: Number(r.value_length), sha256: String(r.value_sha256) } }
      : {}),
    ...(r.headers == null ? {} : { headers: json(r.headers) as NonNullable<DeadLetterLogRow['headers']> }),
    ...('topic_copy' in r ? { topicCopy: r.topic_copy == null ? null : String(r.topic_copy) } : {}),
  };
}
