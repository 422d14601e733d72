// Raw read-side baselines on the `queries` server, into a throwaway schema with the read model's
// tables: the rows the projector writes per event (USER_DATA upsert, applied_events with its
// inbox entry, checkpoint) as batched multi-row inserts, one durable commit per batch; and, for the
// breakdown, the same rows one transaction per event (the projector's unit of work).
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import type { EventEnvelope } from '../../system/shared/events.ts';
import { migrate } from '../../system/shared/migrate.ts';
import { onNewConnection } from '../../system/shared/db.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { chunks } from './fixtures.ts';
import { perSecond } from './stats.ts';
import { adminUrl } from './systemControl.ts';

export const RAW_QUERIES_SCHEMA = 'faultline_bench_raw_queries';

export interface RawApplyResult {
  events: number;
  ms: number;
  perSecond: number;
}

type Conn = PoolConnection;

const userRow = (e: EventEnvelope) => {
  const p = e.payload as { name: string; dateRegister?: string };
  return [e.streamId, p.name, p.dateRegister ?? '2026-11-28', e.streamVersion, 1, 0];
};
const appliedRow = (e: EventEnvelope, i: number) => [
  e.eventId,
  e.streamId,
  e.streamVersion,
  e.type,
  'kafka',
  'user-events',
  i % 3,
  i,
  'effectively-once',
  e.eventId, // the inbox entry
  'x'.repeat(64), // its content hash
];

/** The reads projectEvent makes before it writes (inbox, open dead letter, user, discarded versions, parked). */
async function projectorReads(conn: Conn, e: EventEnvelope): Promise<void> {
  await conn.query('SELECT 1 FROM applied_events WHERE inbox_event_id = ?', [e.eventId]);
  await conn.query("SELECT id FROM dead_letters WHERE stream_id = ? AND status = 'open' ORDER BY id LIMIT 1 FOR UPDATE", [e.streamId]);
  await conn.query('SELECT NAME, VERSION, APPLIED_COUNT, DELETED FROM USER_DATA WHERE ID_USER_DATA = ? FOR UPDATE', [e.streamId]);
  await conn.query("SELECT DISTINCT stream_version FROM dead_letters WHERE stream_id = ? AND status = 'discarded' AND stream_version > 0", [
    e.streamId,
  ]);
  await conn.query(
    'SELECT id, envelope FROM parked_events WHERE stream_id = ? AND released_at IS NULL ORDER BY stream_version, id FOR UPDATE',
    [e.streamId],
  );
}

async function writeRows(conn: Conn, events: EventEnvelope[], firstIndex: number): Promise<void> {
  await conn.query(
    `INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES ?
     ON DUPLICATE KEY UPDATE NAME = VALUES(NAME), VERSION = VALUES(VERSION), APPLIED_COUNT = APPLIED_COUNT + 1, UPDATED_AT = CURRENT_TIMESTAMP(6)`,
    [events.map(userRow)],
  );
  await conn.query(
    `INSERT INTO applied_events (event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode,
       inbox_event_id, content_sha256) VALUES ?`,
    [events.map((e, i) => appliedRow(e, firstIndex + i))],
  );
  const last = firstIndex + events.length - 1;
  await conn.query(
    `INSERT INTO projection_checkpoint (group_id, topic, kafka_partition, last_offset, high_watermark) VALUES ('bench', 'user-events', ?, ?, ?)
     ON DUPLICATE KEY UPDATE last_offset = VALUES(last_offset), high_watermark = GREATEST(high_watermark, VALUES(high_watermark))`,
    [last % 3, last, last + 1],
  );
}

async function withSchema<T>(addr: EnvAddresses, connections: number, fn: (pool: Pool) => Promise<T>): Promise<T> {
  await migrate({ adminUrl: adminUrl(addr, 'queries'), database: 'queries', schemaName: RAW_QUERIES_SCHEMA });
  const d = addr.mariadb.queries;
  const pool = mysql.createPool({
    host: d.host,
    port: d.port,
    user: d.admin.user,
    password: d.admin.password,
    database: RAW_QUERIES_SCHEMA,
    connectionLimit: connections,
    timezone: 'Z',
  });
  // As the projector's sessions (dbSession.ts): no gap locks, so locking reads of rows that do
  // not exist yet do not deadlock the lanes against each other.
  onNewConnection(pool, ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED']);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
    const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
    await conn.query(`DROP DATABASE IF EXISTS \`${RAW_QUERIES_SCHEMA}\``).finally(() => conn.end());
  }
}

/** One connection, `batchSize` events per transaction. */
export function rawBatchedApply(addr: EnvAddresses, events: EventEnvelope[], batchSize: number): Promise<RawApplyResult> {
  return withSchema(addr, 1, async (pool) => {
    const conn = await pool.getConnection();
    try {
      const started = performance.now();
      let i = 0;
      for (const batch of chunks(events, batchSize)) {
        await conn.beginTransaction();
        await writeRows(conn, batch, i);
        await conn.commit();
        i += batch.length;
      }
      const ms = performance.now() - started;
      return { events: events.length, ms, perSecond: perSecond(events.length, ms) };
    } finally {
      conn.release();
    }
  });
}

/**
 * One transaction per event on `connections` connections; a stream's two events stay on one
 * connection, in order. `withReads`: also the projector's five reads per event.
 */
export function rawPerEventApply(
  addr: EnvAddresses,
  events: EventEnvelope[],
  connections: number,
  withReads = false,
): Promise<RawApplyResult> {
  return withSchema(addr, connections, async (pool) => {
    const lanes: EventEnvelope[][] = Array.from({ length: connections }, () => []);
    events.forEach((e, i) => lanes[Math.floor(i / 2) % connections]!.push(e));
    const conns = await Promise.all(lanes.map(() => pool.getConnection()));
    const started = performance.now();
    await Promise.all(
      lanes.map(async (lane, l) => {
        const conn = conns[l]!;
        try {
          for (const [i, e] of lane.entries()) {
            await conn.beginTransaction();
            if (withReads) await projectorReads(conn, e);
            await writeRows(conn, [e], i);
            await conn.commit();
          }
        } finally {
          conn.release();
        }
      }),
    );
    const ms = performance.now() - started;
    return { events: events.length, ms, perSecond: perSecond(events.length, ms) };
  });
}
