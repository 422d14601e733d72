// SQL of the write path, one function per statement, all parameterised. Every function takes the
// transaction's connection: the caller (handleCommand) owns the transaction boundary.
import type { RowDataPacket } from 'mysql2/promise';
import type { PoolConnection, Pool } from '../shared/db.ts';
import type { EventEnvelope, EventType, PayloadByType } from '../shared/events.ts';
import type { StoredEvent } from './evolve.ts';

type Queryable = Pool | PoolConnection;

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export async function loadStream(conn: Queryable, streamId: string): Promise<StoredEvent[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT stream_version, type, payload FROM events WHERE stream_id = ? ORDER BY stream_version',
    [streamId],
  );
  return rows.map((r) => ({
    streamVersion: Number(r.stream_version),
    type: r.type as EventType,
    payload: parseJson<PayloadByType[EventType]>(r.payload),
  }));
}

export async function currentVersion(conn: Queryable, streamId: string): Promise<number> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = ?', [streamId]);
  return Number(rows[0]?.v ?? 0);
}

const eventColumns = (e: EventEnvelope) => [
  e.eventId,
  e.streamId,
  e.streamVersion,
  e.type,
  e.schemaVersion,
  new Date(e.occurredAt),
  e.correlationId,
  e.causationId,
  e.traceparent ?? null,
  JSON.stringify(e.payload),
];

/** Append; a duplicate (stream_id, stream_version) raises ER_DUP_ENTRY: a concurrent writer won. */
export async function appendEvents(conn: PoolConnection, events: EventEnvelope[]): Promise<void> {
  for (const e of events) {
    await conn.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_at,
                           correlation_id, causation_id, traceparent, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      eventColumns(e),
    );
  }
}

export async function insertOutbox(conn: PoolConnection, events: EventEnvelope[]): Promise<void> {
  for (const e of events) {
    await conn.query(
      `INSERT INTO outbox (event_id, stream_id, stream_version, type, schema_version, occurred_at,
                           correlation_id, causation_id, traceparent, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      eventColumns(e),
    );
  }
}

/**
 * Apply one event to the seed's USER_DATA row. Guarded by the version the row must be at, so the
 * table can never silently diverge from the event store; returns false if the guard failed.
 */
export async function applyToUserData(conn: PoolConnection, e: EventEnvelope): Promise<boolean> {
  switch (e.type) {
    case 'UserRegistered': {
      const p = e.payload as PayloadByType['UserRegistered'];
      await conn.query('INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES (?, ?, ?, ?, 0)', [
        e.streamId,
        p.name,
        p.dateRegister,
        e.streamVersion,
      ]);
      return true;
    }
    case 'UserRenamed': {
      const p = e.payload as PayloadByType['UserRenamed'];
      const [res] = await conn.query('UPDATE USER_DATA SET NAME = ?, VERSION = ? WHERE ID_USER_DATA = ? AND VERSION = ? AND DELETED = 0', [
        p.name,
        e.streamVersion,
        e.streamId,
        e.streamVersion - 1,
      ]);
      return (res as { affectedRows: number }).affectedRows === 1;
    }
    case 'UserDeleted': {
      const [res] = await conn.query('UPDATE USER_DATA SET DELETED = 1, VERSION = ? WHERE ID_USER_DATA = ? AND VERSION = ? AND DELETED = 0', [
        e.streamVersion,
        e.streamId,
        e.streamVersion - 1,
      ]);
      return (res as { affectedRows: number }).affectedRows === 1;
    }
    default:
      return false;
  }
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

export async function findDedup(conn: Queryable, key: string): Promise<StoredResponse | undefined> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT request_hash, response_status, response_body FROM command_dedup WHERE idempotency_key = ?',
    [key],
  );
  const r = rows[0];
  if (!r) return undefined;
  return { requestHash: String(r.request_hash), status: Number(r.response_status), body: parseJson(r.response_body) };
}

/** Raises ER_DUP_ENTRY if a concurrent request with the same key committed first. */
export async function insertDedup(conn: PoolConnection, key: string, stored: StoredResponse): Promise<void> {
  await conn.query('INSERT INTO command_dedup (idempotency_key, request_hash, response_status, response_body) VALUES (?, ?, ?, ?)', [
    key,
    stored.requestHash,
    stored.status,
    JSON.stringify(stored.body),
  ]);
}
