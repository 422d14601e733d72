// SQL of the read model, each function a step inside ONE caller-owned `queries` transaction.
// Lock order everywhere (projector, dlq command): dead_letters rows of the stream → the
// USER_DATA row → parked_events rows, so a replay and the projector serialize without deadlock.
import type { PoolConnection } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2';
import { runStatements, type Statement } from '../shared/db.ts';
import type { EventEnvelope } from '../shared/events.ts';
import type { StoredHeaders } from '../shared/kafka.ts';
import { contentHash } from './contentHash.ts';
import { capText, fitText, sha256Hex } from './fitColumn.ts';
import type { ConsumeMode, PriorApply } from './decide.ts';
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

/** The inbox entry of an event id (what it was first applied as), or null. */
export async function priorApply(conn: PoolConnection, eventId: string): Promise<PriorApply | null> {
  return (await priorApplies(conn, [eventId])).get(eventId) ?? null;
}

export async function priorApplies(conn: PoolConnection, eventIds: string[]): Promise<Map<string, PriorApply>> {
  if (eventIds.length === 0) return new Map();
  const s = priorAppliesStatement(eventIds);
  const [rows] = await conn.query<RowDataPacket[]>(s.sql, s.values);
  return toPriorApplies(rows);
}

/** The inbox entries (first applies) of `eventIds` (non-empty); read them with toPriorApplies. */
export function priorAppliesStatement(eventIds: readonly string[]): Statement {
  return {
    sql: 'SELECT inbox_event_id AS event_id, stream_id, stream_version, content_sha256 FROM applied_events WHERE inbox_event_id IN (?)',
    values: [eventIds],
  };
}

export function toPriorApplies(rows: readonly RowDataPacket[]): Map<string, PriorApply> {
  return new Map(
    rows.map((r) => [
      String(r.event_id),
      {
        eventId: String(r.event_id),
        streamId: String(r.stream_id),
        streamVersion: Number(r.stream_version),
        contentSha256: r.content_sha256 === null ? null : String(r.content_sha256),
      },
    ]),
  );
}

/** The id of the first event applied at a stream version, or null. */
export async function eventIdAtVersion(conn: PoolConnection, streamId: string, version: number): Promise<string | null> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT event_id FROM applied_events WHERE stream_id = ? AND stream_version = ? ORDER BY id LIMIT 1',
    [streamId, version],
  );
  return rows[0] ? String(rows[0].event_id) : null;
}

/** The open dead letter blocking `streamId`, locked, or null. */
export async function lockOpenDeadLetter(conn: PoolConnection, streamId: string): Promise<number | null> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT id FROM dead_letters WHERE stream_id = ? AND status = 'open' AND blocks_stream = 1 ORDER BY id LIMIT 1 FOR UPDATE",
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

export interface ApplyMeta {
  source: ApplySource;
  mode: ConsumeMode | null;
  position: RecordPosition | null;
}

/** A USER_DATA row to write: its state, version, and how many applies to add to its count. */
export interface UserWrite extends UserState {
  id: string;
  version: number;
  appliedDelta: number;
}

// The writers below are the only SQL that writes the read model, the inbox and the applied log:
// the one-record path (projectEvent) and the run path (projectRun) both use them, with one row
// or many, so the two paths cannot drift apart. Each is a statement builder (null: nothing to
// write) and a function that runs it; the run path sends its statements in one round trip.

const run = async (conn: PoolConnection, s: Statement | null) => {
  if (s) await runStatements(conn, [s]);
};

/** New rows. A plain INSERT: a row that appeared meanwhile is an error, not a merge. */
export function insertUsersStatement(rows: readonly UserWrite[]): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: 'INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES ?',
    values: [rows.map((u) => [u.id, u.name, u.dateRegister, u.version, u.appliedDelta, u.deleted ? 1 : 0])],
  };
}
export const insertUsers = (conn: PoolConnection, rows: readonly UserWrite[]) => run(conn, insertUsersStatement(rows));

/** Rows that exist and are locked by the caller: the upsert always takes its UPDATE branch. */
export function updateUsersStatement(rows: readonly UserWrite[]): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: `INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES ?
     ON DUPLICATE KEY UPDATE NAME = VALUES(NAME), DATE_REGISTER = VALUES(DATE_REGISTER), VERSION = VALUES(VERSION),
       DELETED = VALUES(DELETED), APPLIED_COUNT = APPLIED_COUNT + VALUES(APPLIED_COUNT), UPDATED_AT = CURRENT_TIMESTAMP(6)`,
    values: [rows.map((u) => [u.id, u.name, u.dateRegister, u.version, u.appliedDelta, u.deleted ? 1 : 0])],
  };
}
export const updateUsers = (conn: PoolConnection, rows: readonly UserWrite[]) => run(conn, updateUsersStatement(rows));

/**
 * The process writing applied rows: its instance in the group (FAULTLINE_INSTANCE numbers the
 * second and later ones) and its pid, so a restarted process counts as a new owner.
 */
export const APPLIED_BY = `projector${process.env.FAULTLINE_INSTANCE ? `#${process.env.FAULTLINE_INSTANCE}` : ''}/${process.pid}`;

/**
 * One applied_events row per entry; ids follow row order, so the log keeps the stream order. An
 * entry marked `first` (an apply of an event id not in the inbox yet; the caller read the inbox in
 * the same transaction) is also its inbox entry: its id in the unique `inbox_event_id` and its
 * content hash. A plain INSERT: the log is append-only for the projector (no UPDATE grant), and
 * nothing may be clamped (no IGNORE).
 */
export function insertAppliedLogStatement(
  rows: ReadonlyArray<{ event: EventEnvelope; meta: ApplyMeta; first: boolean }>,
): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: `INSERT INTO applied_events
       (event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode, applied_by,
        inbox_event_id, content_sha256) VALUES ?`,
    values: [
      rows.map(({ event: e, meta: m, first }) => [
        e.eventId,
        e.streamId,
        e.streamVersion,
        e.type,
        m.source,
        m.position?.topic ?? null,
        m.position?.partition ?? null,
        m.position?.offset ?? null,
        m.mode,
        APPLIED_BY,
        first ? e.eventId : null,
        first ? contentHash(e) : null,
      ]),
    ],
  };
}
export const insertAppliedLog = (conn: PoolConnection, rows: ReadonlyArray<{ event: EventEnvelope; meta: ApplyMeta; first: boolean }>) =>
  run(conn, insertAppliedLogStatement(rows));

/** Writes the new state of the user and the applied-events log row, which is also the inbox entry unless there is one. */
export async function writeApplied(
  conn: PoolConnection,
  event: EventEnvelope,
  next: UserState,
  existed: boolean,
  meta: ApplyMeta,
  inInbox: boolean,
): Promise<void> {
  const row: UserWrite = { id: event.streamId, ...next, version: event.streamVersion, appliedDelta: 1 };
  await (existed ? updateUsers : insertUsers)(conn, [row]);
  await insertAppliedLog(conn, [{ event, meta, first: !inInbox }]);
}

/** A stale event applied again: visible in the log and the count, the state is left as it is. */
export async function writeReapplied(conn: PoolConnection, event: EventEnvelope, current: UserRow | null, meta: ApplyMeta): Promise<void> {
  if (current !== null) {
    const { version, appliedCount: _count, ...state } = current;
    await updateUsers(conn, [{ id: event.streamId, ...state, version, appliedDelta: 1 }]);
  }
  await insertAppliedLog(conn, [{ event, meta, first: false }]);
}

export interface ParkWrite {
  event: EventEnvelope;
  reason: 'blocked' | 'gap';
  position: RecordPosition | null;
}

/** Parked rows; an event parked before (a redelivery) keeps its first row. */
export function parkEventsStatement(rows: readonly ParkWrite[]): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: `INSERT INTO parked_events
       (event_id, stream_id, stream_version, reason, envelope, topic, kafka_partition, kafka_offset)
     VALUES ? ON DUPLICATE KEY UPDATE event_id = event_id`,
    values: [
      rows.map(({ event, reason, position }) => [
        event.eventId,
        event.streamId,
        event.streamVersion,
        reason,
        JSON.stringify(event),
        position?.topic ?? null,
        position?.partition ?? null,
        position?.offset ?? null,
      ]),
    ],
  };
}

export const parkEvent = (conn: PoolConnection, event: EventEnvelope, reason: 'blocked' | 'gap', position: RecordPosition | null) =>
  run(conn, parkEventsStatement([{ event, reason, position }]));

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

export async function releaseParked(
  conn: PoolConnection,
  id: number,
  outcome: 'applied' | 'duplicate' | 'discarded' | 'conflict',
): Promise<void> {
  await conn.query('UPDATE parked_events SET released_at = CURRENT_TIMESTAMP(6), outcome = ? WHERE id = ?', [outcome, id]);
}

export function saveCheckpointStatement(p: RecordPosition): Statement {
  return {
    sql: `INSERT INTO projection_checkpoint (group_id, topic, kafka_partition, last_offset, high_watermark)
     VALUES (?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE last_offset = VALUES(last_offset),
                             high_watermark = GREATEST(high_watermark, VALUES(high_watermark))`,
    values: [p.groupId, p.topic, p.partition, p.offset, p.highWatermark],
  };
}
export const saveCheckpoint = (conn: PoolConnection, p: RecordPosition) => run(conn, saveCheckpointStatement(p));

export interface DeadLetterInsert {
  topic: string;
  partition: number;
  offset: string;
  streamId: string | null;
  eventId: string | null;
  streamVersion: number | null;
  key: Buffer | null;
  value: Buffer | null;
  /** Lossless (headersToStored): base64 values, null kept as null, a repeated name as an array in order. */
  headers: StoredHeaders;
  fqcn: string;
  message: string;
  attempts: number;
  correlationId: string | null;
  /** false: the record does not hold its stream back (a conflicting copy of an applied version). */
  blocksStream: boolean;
  topicCopy: 'full' | 'truncated' | 'none';
}

/**
 * Idempotent on the source position: a redelivered poison record does not block twice. Bounded
 * columns get the value or, when it cannot fit, its hash and length (fitColumn.ts); the key and
 * value bytes are kept whole.
 */
export async function insertDeadLetter(conn: PoolConnection, d: DeadLetterInsert): Promise<void> {
  await conn.query(
    `INSERT INTO dead_letters
       (topic, kafka_partition, kafka_offset, stream_id, event_id, stream_version, record_key, record_value,
        headers, exception_fqcn, exception_message, attempts, correlation_id, blocks_stream, topic_copy, value_length, value_sha256)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`,
    [
      d.topic,
      d.partition,
      d.offset,
      fitText(d.streamId, 255),
      fitText(d.eventId, 255),
      d.streamVersion,
      d.key,
      d.value,
      JSON.stringify(d.headers),
      fitText(d.fqcn, 255),
      capText(d.message, 60_000),
      d.attempts,
      fitText(d.correlationId, 255),
      d.blocksStream ? 1 : 0,
      d.topicCopy,
      d.value?.length ?? null,
      d.value === null ? null : sha256Hex(d.value),
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
      WHERE stream_id = ? AND status = 'discarded' AND blocks_stream = 1 AND stream_version > ? ORDER BY stream_version`,
    [streamId, applied],
  );
  let last = applied;
  for (const r of rows) {
    if (Number(r.stream_version) === last + 1) last++;
    else break;
  }
  return last;
}
