// SQL of the relay over `commands`.outbox. Claim and mark run in ONE transaction on one
// connection: the claimed rows stay locked (FOR UPDATE) while the batch is sent, and become
// published only in the commit that follows the broker's ack. SKIP LOCKED lets a second relay
// take other rows instead of waiting. Sessions are READ COMMITTED (see dbSession.ts): no gap
// lock on the outbox tail, so the command service's inserts never wait for a claim.
import type { PoolConnection } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2';
import type { OutboxRow } from './outboxMessage.ts';

export async function claimBatch(conn: PoolConnection, limit: number): Promise<OutboxRow[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT id, event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id,
            causation_id, traceparent, payload, created_at
       FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
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
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    createdAt: r.created_at as Date,
  }));
}

export async function markPublished(conn: PoolConnection, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await conn.query('UPDATE outbox SET published_at = CURRENT_TIMESTAMP(6), attempts = attempts + 1 WHERE id IN (?)', [ids]);
}

/** Best effort, outside the rolled-back claim: how often a row failed to publish is visible. */
export async function countFailedAttempt(conn: PoolConnection, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await conn.query('UPDATE outbox SET attempts = attempts + 1 WHERE id IN (?) AND published_at IS NULL', [ids]);
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
