// The SQL of a group transaction, in two round trips (one for a group of registrations only). mysql2 escapes every value client-side
// (`?`, arrays expand to lists and row tuples); several statements go in one round trip.
//   1. START TRANSACTION; stored answers of the group's idempotency keys; the current state of its
//      streams from USER_DATA, locked FOR UPDATE (in key order, so concurrent groups do not
//      deadlock on reads). USER_DATA is the fold of the events, kept in the same transactions, so
//      reading one row per stream replaces reading its events.
//   2. append the events (UNIQUE(stream_id, stream_version) stays the guard against writers this
//      process did not serialise, e.g. another instance), the outbox rows, USER_DATA's final state
//      per stream, the answers of the keys, and COMMIT. A failing statement stops the rest, and
//      the caller rolls back.
// Every round trip has a timeout: a link that swallows bytes must not hold a group (and every
// command queued behind it) forever; the connection is then destroyed and the outcome is unknown.
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { PoolConnection } from '../shared/db.ts';
import type { EventEnvelope } from '../shared/events.ts';
import type { UserState } from './evolve.ts';
import type { GroupPlan, GroupReads, StoredResponse } from './planGroup.ts';

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const EVENT_COLUMNS =
  '(event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload)';

const eventRow = (e: EventEnvelope) => [
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

const userRow = (id: string, s: UserState) => {
  if (s.status === 'absent') throw new Error(`cannot write an absent user ${id}`);
  return [id, s.name, s.dateRegister, s.version, s.status === 'deleted' ? 1 : 0];
};

type Rows = RowDataPacket[];

/** Round trip 1: opens the transaction and reads what the group's decisions need. */
export async function beginAndRead(conn: PoolConnection, keys: string[], streamIds: string[], timeoutMs: number): Promise<GroupReads> {
  const sql = [
    'START TRANSACTION',
    keys.length > 0
      ? 'SELECT idempotency_key, request_hash, response_status, response_body FROM command_dedup WHERE idempotency_key IN (?)'
      : 'SELECT NULL LIMIT 0',
    `SELECT ID_USER_DATA AS id, NAME AS name, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS dateRegister, VERSION AS version, DELETED AS deleted
       FROM USER_DATA WHERE ID_USER_DATA IN (?) ORDER BY ID_USER_DATA FOR UPDATE`,
  ].join(';\n');
  const params = keys.length > 0 ? [keys, streamIds] : [streamIds];
  const [results] = await conn.query({ sql, timeout: timeoutMs }, params);
  const [, dedupRows, userRows] = results as [ResultSetHeader, Rows, Rows];
  const stored = new Map<string, StoredResponse>();
  for (const r of dedupRows) {
    stored.set(String(r.idempotency_key), {
      requestHash: String(r.request_hash),
      status: Number(r.response_status),
      body: parseJson(r.response_body),
    });
  }
  const states = new Map<string, UserState>();
  for (const r of userRows) {
    const status = Number(r.deleted) === 1 ? 'deleted' : 'active';
    states.set(String(r.id), { status, version: Number(r.version), name: String(r.name), dateRegister: String(r.dateRegister) });
  }
  return { stored, states };
}

/**
 * Round trip 2: every write of the group, then COMMIT. `begun: false` (nothing was read, see
 * groupCommit's optimistic registrations) opens the transaction in the same round trip. With
 * nothing to write it just ends the transaction.
 */
export async function writeAndCommit(
  conn: PoolConnection,
  plan: GroupPlan,
  opts: { outbox: boolean; begun: boolean; timeoutMs: number },
): Promise<void> {
  if (plan.events.length === 0) {
    if (opts.begun) await conn.query({ sql: 'ROLLBACK', timeout: opts.timeoutMs }); // nothing written; releases the row locks without a log flush
    return;
  }
  const statements: string[] = opts.begun ? [] : ['START TRANSACTION'];
  const params: unknown[] = [];
  const rows = plan.events.map(eventRow);
  statements.push(`INSERT INTO events ${EVENT_COLUMNS} VALUES ?`);
  params.push(rows);
  if (opts.outbox) {
    statements.push(`INSERT INTO outbox ${EVENT_COLUMNS} VALUES ?`);
    params.push(rows);
  }
  // New streams insert; existing ones (locked above, versions checked by the events' unique key)
  // take their new state.
  statements.push(`INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES ?
    ON DUPLICATE KEY UPDATE NAME = VALUES(NAME), DATE_REGISTER = VALUES(DATE_REGISTER), VERSION = VALUES(VERSION), DELETED = VALUES(DELETED)`);
  params.push([...plan.users].map(([id, s]) => userRow(id, s)));
  if (plan.dedup.length > 0) {
    statements.push('INSERT INTO command_dedup (idempotency_key, request_hash, response_status, response_body) VALUES ?');
    params.push(plan.dedup.map((d) => [d.key, d.stored.requestHash, d.stored.status, JSON.stringify(d.stored.body)]));
  }
  statements.push('COMMIT');
  await conn.query({ sql: statements.join(';\n'), timeout: opts.timeoutMs }, params);
}

/** After a failed round trip whose connection still works. */
export async function rollback(conn: PoolConnection, timeoutMs: number): Promise<void> {
  await conn.query({ sql: 'ROLLBACK', timeout: timeoutMs });
}
