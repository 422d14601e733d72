// SQL of the relay over `commands`.outbox. A claim is one short transaction (the marks of rows the
// broker acked since the last claim, then candidates locked with SKIP LOCKED, filtered for
// per-stream order, stamped with owner + lease, committed): one commit per relay cycle, in three
// round trips (its claim pool allows several statements per round trip; every value is still
// escaped by mysql2). The send happens after it, outside any transaction. Sessions are READ
// COMMITTED (see dbSession.ts): no gap lock on the outbox tail, so the command service's inserts
// never wait for a claim, and the blocker read sees other relays' committed claims.
import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { isConnectionError } from '../shared/db.ts';
import { keepInStreamOrder } from './claimRule.ts';
import type { OutboxRow } from './outboxMessage.ts';

/** The name of an owner's liveness lock (GET_LOCK); free = the owner's connection is gone. */
const LOCK_PREFIX = 'fl_relay_';
export const livenessLockName = (owner: string) => `${LOCK_PREFIX}${owner}`;

const COLUMNS = `id, event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id,
  causation_id, traceparent, payload, created_at`;

export interface ClaimOptions {
  owner: string;
  limit: number;
  leaseMs: number;
  /** Ids this relay claimed and has not marked yet (its queue): earlier rows it will send first. */
  inFlight: readonly number[];
  /** Ids the broker acknowledged: marked published in the claim's transaction, before it claims. */
  acked?: readonly number[];
}

export interface Claim {
  rows: OutboxRow[];
  /** How many of `acked` the claim's commit marked (already marked rows are left as they are). */
  marked: number;
  /** As many candidates as the limit allowed: a backlog is waiting. */
  full: boolean;
}

const MARK_SQL =
  'UPDATE outbox SET published_at = CURRENT_TIMESTAMP(6), attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id IN (?) AND published_at IS NULL';

/**
 * Marks `acked`, then claims up to `limit` unpublished rows, in one transaction. Free rows, rows
 * whose lease has passed and rows whose owner's liveness lock is free (the owner died) are
 * candidates; candidates behind an earlier unpublished row of their stream held by anyone else
 * are left alone (claimRule.ts). `pool` must allow multiple statements; with `jsonStrings` the
 * payload text is kept as stored.
 */
export async function claimRows(pool: Pool, o: ClaimOptions): Promise<Claim> {
  const acked = o.acked ?? [];
  return inTransaction(pool, async (conn) => {
    const [results] = await conn.query<RowDataPacket[][]>(
      `START TRANSACTION; ${acked.length > 0 ? `${MARK_SQL}; ` : ''}SELECT ${COLUMNS} FROM outbox
        WHERE published_at IS NULL
          AND (claimed_by IS NULL OR claimed_until < NOW(6)
               OR (claimed_by <> ? AND IS_USED_LOCK(CONCAT(?, claimed_by)) IS NULL))
        ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [...(acked.length > 0 ? [acked] : []), o.owner, LOCK_PREFIX, o.limit],
    );
    const marked = acked.length > 0 ? Number((results[1] as unknown as ResultSetHeader).affectedRows) : 0;
    const found = results[results.length - 1]!;
    if (found.length === 0) {
      await conn.query('COMMIT');
      return { rows: [], marked, full: false };
    }
    const candidates = found.map(toOutboxRow);
    const blockers = await findBlockers(conn, candidates, o.inFlight);
    const kept = keepInStreamOrder(candidates, blockers);
    if (kept.length > 0) {
      await conn.query('UPDATE outbox SET claimed_by = ?, claimed_until = TIMESTAMPADD(MICROSECOND, ?, NOW(6)) WHERE id IN (?); COMMIT', [
        o.owner,
        o.leaseMs * 1000,
        kept.map((r) => r.id),
      ]);
    } else {
      await conn.query('COMMIT');
    }
    return { rows: kept, marked, full: found.length >= o.limit };
  });
}

/**
 * `fn` opens the transaction and commits it itself (folded into its statements); on any error it
 * is rolled back, and a connection that failed at the link level is destroyed, not reused. If the
 * COMMIT itself fails with a connection error, the outcome is unknown (as for withTransaction).
 */
async function inTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  let broken = false;
  try {
    return await fn(conn);
  } catch (err) {
    broken = isConnectionError(err);
    if (!broken) await conn.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

/** One indexed read, no transaction: is any unpublished row not ours waiting? (The idle poll.) */
export async function anyUnclaimedWork(pool: Pool, owner: string): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM outbox WHERE published_at IS NULL AND NOT (claimed_by <=> ?) LIMIT 1', [
    owner,
  ]);
  return rows.length > 0;
}

/**
 * Per candidate stream: the first unpublished row that is neither a candidate nor ours in flight.
 * Reads the streams' rows through (stream_id, id) and checks published_at on each: the index holds
 * no published_at, so a mark does not move it.
 */
async function findBlockers(conn: PoolConnection, candidates: OutboxRow[], inFlight: readonly number[]): Promise<Map<string, number>> {
  const streams = [...new Set(candidates.map((r) => r.streamId))];
  const mine = [...candidates.map((r) => r.id), ...inFlight];
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT stream_id, MIN(id) AS first_id FROM outbox
      WHERE stream_id IN (?) AND published_at IS NULL AND id NOT IN (?)
      GROUP BY stream_id`,
    [streams, mine],
  );
  return new Map(rows.map((r) => [String(r.stream_id), Number(r.first_id)]));
}

export function toOutboxRow(r: RowDataPacket): OutboxRow {
  return {
    id: Number(r.id),
    eventId: String(r.event_id),
    streamId: String(r.stream_id),
    streamVersion: Number(r.stream_version),
    type: String(r.type),
    schemaVersion: Number(r.schema_version),
    occurredAt: r.occurred_at as Date,
    correlationId: String(r.correlation_id),
    causationId: String(r.causation_id),
    traceparent: r.traceparent === null ? null : String(r.traceparent),
    payloadJson: typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload),
    createdAt: r.created_at as Date,
  };
}

/** Published once acked, whoever claims the rows now (a re-send by a taker-over is a duplicate at worst). */
export async function markPublished(pool: Pool, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const [res] = await pool.query(MARK_SQL, [ids]);
  return Number((res as { affectedRows?: number }).affectedRows ?? 0);
}

/** Gives back every unpublished row `owner` still claims, counting the failed attempt. */
export async function releaseClaims(pool: Pool, owner: string): Promise<number> {
  const [res] = await pool.query(
    'UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1 WHERE claimed_by = ? AND published_at IS NULL',
    [owner],
  );
  return Number((res as { affectedRows?: number }).affectedRows ?? 0);
}

export interface Backlog {
  count: number;
  oldestAgeSeconds: number; // 0 when empty
}

export async function readBacklog(conn: Pick<PoolConnection, 'query'>): Promise<Backlog> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n,
            COALESCE(TIMESTAMPDIFF(MICROSECOND,
              (SELECT created_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1), NOW(6)), 0) AS age_us
       FROM outbox WHERE published_at IS NULL`,
  );
  const r = rows[0];
  return { count: Number(r?.n ?? 0), oldestAgeSeconds: Math.max(0, Number(r?.age_us ?? 0) / 1e6) };
}
