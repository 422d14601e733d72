// SQL of the read model, each function a step inside ONE caller-owned `queries` transaction.
// Lock order everywhere (projector, dlq command): dead_letters rows of the stream → the
// USER_DATA row → parked_events rows, so a replay and the projector serialize without deadlock.
import type { PoolConnection } from 'mysql2/promise';
import type { RowDataPacket, ResultSetHeader } from 'mysql2';
import type { EventEnvelope } from '../shared/events.ts';
import type { ConsumeMode } from './decide.ts';
import type { UserState } from './evolve.ts';

export type ApplySource = 'kafka' | 'replay' | 'release' | 'rebuild';

/** Where a record came from; absent for replays from the database. */
export interface RecordPosition {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  highWatermark: string;
}

export interface UserRow extends UserState {
  version: number;
  appliedCount: number;
}

export async function isInInbox(conn: PoolConnection, eventId: string): Promise<boolean> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT 1 FROM inbox WHERE event_id = ?', [eventId]);
  return rows.length > 0;
}

/** The open dead letter blocking `streamId`, locked, or null. */
export async function lockOpenDeadLetter(conn: PoolConnection, streamId: string): Promise<number | null> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT id FROM dead_letters WHERE stream_id = ? AND status = 'open' ORDER BY id LIMIT 1 FOR UPDATE",
    [streamId],
  );
  return rows.length > 0 ? Number(rows[0]!.id) : null;
}

export async function lockUser(conn: PoolConnection, streamId: string): Promise<UserRow | null> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT NAME, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED
       FROM USER_DATA WHERE ID_USER_DATA = ? FOR UPDATE`,
    [streamId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    name: String(r.NAME),
    dateRegister: String(r.DATE_REGISTER),
    deleted: Number(r.DELETED) === 1,
    version: Number(r.VERSION),
    appliedCount: Number(r.APPLIED_COUNT),
  };
}

/** Writes the new state of the user, the applied-events log row and the inbox entry. */
export async function writeApplied(
  conn: PoolConnection,
  event: EventEnvelope,
  next: UserState,
  existed: boolean,
  meta: { source: ApplySource; mode: ConsumeMode | null; position: RecordPosition | null },
): Promise<void> {
  if (existed) {
    await conn.query(
      `UPDATE USER_DATA SET NAME = ?, DATE_REGISTER = ?, DELETED = ?, VERSION = ?,
              APPLIED_COUNT = APPLIED_COUNT + 1, UPDATED_AT = CURRENT_TIMESTAMP(6)
        WHERE ID_USER_DATA = ?`,
      [next.name, next.dateRegister, next.deleted ? 1 : 0, event.streamVersion, event.streamId],
    );
  } else {
    await conn.query(
      `INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED)
       VALUES (?, ?, ?, ?, 1, ?)`,
      [event.streamId, next.name, next.dateRegister, event.streamVersion, next.deleted ? 1 : 0],
    );
  }
  await insertAppliedLog(conn, event, meta);
  // IGNORE: outside effectively-once a redelivery is applied again and must not fail here.
  await conn.query('INSERT IGNORE INTO inbox (event_id, stream_id, stream_version) VALUES (?, ?, ?)', [
    event.eventId,
    event.streamId,
    event.streamVersion,
  ]);
}

/** A stale event applied again: visible in the log and the count, the state is left as it is. */
export async function writeReapplied(
  conn: PoolConnection,
  event: EventEnvelope,
  meta: { source: ApplySource; mode: ConsumeMode | null; position: RecordPosition | null },
): Promise<void> {
  await conn.query('UPDATE USER_DATA SET APPLIED_COUNT = APPLIED_COUNT + 1, UPDATED_AT = CURRENT_TIMESTAMP(6) WHERE ID_USER_DATA = ?', [event.streamId]);
  await insertAppliedLog(conn, event, meta);
}

async function insertAppliedLog(
  conn: PoolConnection,
  event: EventEnvelope,
  meta: { source: ApplySource; mode: ConsumeMode | null; position: RecordPosition | null },
): Promise<void> {
  const p = meta.position;
  await conn.query(
    `INSERT INTO applied_events
       (event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.eventId, event.streamId, event.streamVersion, event.type, meta.source, p?.topic ?? null, p?.partition ?? null, p?.offset ?? null, meta.mode],
  );
}

export async function parkEvent(
  conn: PoolConnection,
  event: EventEnvelope,
  reason: 'blocked' | 'gap',
  position: RecordPosition | null,
): Promise<boolean> {
  const [res] = await conn.query<ResultSetHeader>(
    `INSERT IGNORE INTO parked_events
       (event_id, stream_id, stream_version, reason, envelope, topic, kafka_partition, kafka_offset)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [event.eventId, event.streamId, event.streamVersion, reason, JSON.stringify(event), position?.topic ?? null, position?.partition ?? null, position?.offset ?? null],
  );
  return res.affectedRows === 1;
}

export interface ParkedRow {
  id: number;
  event: EventEnvelope;
}

/** Unreleased parked events of a stream in version order, locked. */
export async function lockParked(conn: PoolConnection, streamId: string): Promise<ParkedRow[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT id, envelope FROM parked_events
      WHERE stream_id = ? AND released_at IS NULL ORDER BY stream_version, id FOR UPDATE`,
    [streamId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    event: (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope) as EventEnvelope,
  }));
}

export async function releaseParked(conn: PoolConnection, id: number, outcome: 'applied' | 'duplicate' | 'discarded'): Promise<void> {
  await conn.query('UPDATE parked_events SET released_at = CURRENT_TIMESTAMP(6), outcome = ? WHERE id = ?', [outcome, id]);
}

export async function saveCheckpoint(conn: PoolConnection, p: RecordPosition): Promise<void> {
  await conn.query(
    `INSERT INTO projection_checkpoint (group_id, topic, kafka_partition, last_offset, high_watermark)
     VALUES (?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE last_offset = VALUES(last_offset),
                             high_watermark = GREATEST(high_watermark, VALUES(high_watermark))`,
    [p.groupId, p.topic, p.partition, p.offset, p.highWatermark],
  );
}

export interface DeadLetterInsert {
  topic: string;
  partition: number;
  offset: string;
  streamId: string | null;
  eventId: string | null;
  streamVersion: number | null;
  key: Buffer | null;
  value: Buffer | null;
  headersBase64: Record<string, string>;
  fqcn: string;
  message: string;
  attempts: number;
  correlationId: string | null;
}

/** Idempotent on the source position: a redelivered poison record does not block twice. */
export async function insertDeadLetter(conn: PoolConnection, d: DeadLetterInsert): Promise<void> {
  await conn.query(
    `INSERT IGNORE INTO dead_letters
       (topic, kafka_partition, kafka_offset, stream_id, event_id, stream_version, record_key, record_value,
        headers, exception_fqcn, exception_message, attempts, correlation_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      d.topic, d.partition, d.offset, d.streamId, d.eventId, d.streamVersion, d.key, d.value,
      JSON.stringify(d.headersBase64), d.fqcn, d.message.slice(0, 60_000), d.attempts, d.correlationId,
    ],
  );
}

/**
 * The last version as far as ordering is concerned: the applied version, extended over versions
 * whose dead letter an operator discarded (they will never apply, so they are not a gap).
 */
export async function effectiveLastVersion(conn: PoolConnection, streamId: string, applied: number): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT DISTINCT stream_version FROM dead_letters
      WHERE stream_id = ? AND status = 'discarded' AND stream_version > ? ORDER BY stream_version`,
    [streamId, applied],
  );
  let last = applied;
  for (const r of rows) {
    if (Number(r.stream_version) === last + 1) last++;
    else break;
  }
  return last;
}
