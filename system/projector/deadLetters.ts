// Operator actions on dead letters (used by `npm run dlq`): list, replay (re-apply the original
// record, then release the stream's parked events in order) and discard (resolve without
// applying, then release). Each action is ONE `queries` transaction, serialized with the
// projector by the dead_letters row lock (see readModelStore.ts for the lock order).
import type { RowDataPacket } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { retry } from '../shared/backoff.ts';
import { withTransaction } from '../shared/db.ts';
import type { ConsumeMode, Decision } from './decide.ts';
import { parseRecord } from './parseRecord.ts';
import { drainParked, projectEvent } from './projectEvent.ts';
import { lockOpenDeadLetter } from './readModelStore.ts';
import { isTransient } from './transient.ts';

export interface DeadLetterSummary {
  id: number;
  status: 'open' | 'replayed' | 'discarded';
  topic: string;
  partition: number;
  offset: string;
  streamId: string | null;
  eventId: string | null;
  streamVersion: number | null;
  exceptionFqcn: string;
  exceptionMessage: string;
  attempts: number;
  correlationId: string | null;
  createdAt: string;
  parkedBehind: number; // unreleased parked events of the same stream
  blocksStream: boolean; // false: a conflicting copy of an applied version, holding nothing back
  topicCopy: 'full' | 'truncated' | 'none' | null; // what reached the dead-letter topic
}

export interface ParkedSummary {
  parked: number;
  gaps: number; // parked behind a version gap (the rest wait behind a dead letter)
  oldestAgeSeconds: number;
  oldestGapStream: string | null;
}

/** Unreleased parked events: how many, how many behind a gap, and the oldest one's age. */
export async function parkedSummary(pool: Pool): Promise<ParkedSummary> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS parked, COALESCE(SUM(reason = 'gap'), 0) AS gaps,
            COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(parked_at), CURRENT_TIMESTAMP(6)), 0) AS oldest_us,
            (SELECT stream_id FROM parked_events WHERE released_at IS NULL AND reason = 'gap' ORDER BY parked_at, id LIMIT 1) AS gap_stream
       FROM parked_events WHERE released_at IS NULL`,
  );
  const r = rows[0];
  return {
    parked: Number(r?.parked ?? 0),
    gaps: Number(r?.gaps ?? 0),
    oldestAgeSeconds: Number(r?.oldest_us ?? 0) / 1e6,
    oldestGapStream: r?.gap_stream ?? null,
  };
}

export class DeadLetterActionError extends Error {
  override readonly name = 'DeadLetterActionError';
}

export async function listDeadLetters(pool: Pool, opts: { all?: boolean } = {}): Promise<DeadLetterSummary[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT d.*, (SELECT COUNT(*) FROM parked_events p WHERE p.stream_id = d.stream_id AND p.released_at IS NULL) AS parked
       FROM dead_letters d ${opts.all ? '' : "WHERE d.status = 'open'"} ORDER BY d.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status,
    topic: String(r.topic),
    partition: Number(r.kafka_partition),
    offset: String(r.kafka_offset),
    streamId: r.stream_id ?? null,
    eventId: r.event_id ?? null,
    streamVersion: r.stream_version === null ? null : Number(r.stream_version),
    exceptionFqcn: String(r.exception_fqcn),
    exceptionMessage: String(r.exception_message),
    attempts: Number(r.attempts),
    correlationId: r.correlation_id ?? null,
    createdAt: (r.created_at as Date).toISOString(),
    parkedBehind: Number(r.parked),
    blocksStream: Number(r.blocks_stream) === 1,
    topicCopy: r.topic_copy ?? null,
  }));
}

interface LockedDeadLetter {
  id: number;
  streamId: string | null;
  streamVersion: number | null;
  key: Buffer | null;
  value: Buffer | null;
}

async function lockOpen(conn: PoolConnection, id: number): Promise<LockedDeadLetter> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT id, status, stream_id, stream_version, record_key, record_value FROM dead_letters WHERE id = ? FOR UPDATE',
    [id],
  );
  const r = rows[0];
  if (!r) throw new DeadLetterActionError(`dead letter ${id} does not exist`);
  if (r.status !== 'open') throw new DeadLetterActionError(`dead letter ${id} is already ${r.status}`);
  return {
    id,
    streamId: r.stream_id ?? null,
    streamVersion: r.stream_version === null ? null : Number(r.stream_version),
    key: r.record_key ?? null,
    value: r.record_value ?? null,
  };
}

async function resolve(conn: PoolConnection, id: number, status: 'replayed' | 'discarded'): Promise<void> {
  await conn.query('UPDATE dead_letters SET status = ?, resolved_at = CURRENT_TIMESTAMP(6) WHERE id = ?', [status, id]);
}

const transactional = <T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>) =>
  retry(() => withTransaction(pool, fn), { maxAttempts: 5, baseMs: 100, maxMs: 1_000, isRetriable: isTransient });

export interface ReplayResult {
  decision: Decision;
  released: number;
}

/** Re-applies the original record. Refused (nothing changes) if it still cannot be parsed. */
export async function replayDeadLetter(pool: Pool, id: number, mode: ConsumeMode): Promise<ReplayResult> {
  return transactional(pool, async (conn) => {
    const dl = await lockOpen(conn, id);
    const parsed = parseRecord(dl.key, dl.value);
    if (!parsed.ok) {
      throw new DeadLetterActionError(`dead letter ${id} still cannot apply (${parsed.error.message}); discard it instead`);
    }
    await resolve(conn, id, 'replayed');
    const out = await projectEvent(conn, parsed.event, mode, null, { source: 'replay', ignoreBlock: true });
    if (out.decision === 'apply') return out; // projectEvent released what it could
    const stillBlocked = (await lockOpenDeadLetter(conn, parsed.event.streamId)) !== null;
    const released = stillBlocked ? 0 : await drainParked(conn, parsed.event.streamId, mode, { allowGap: false });
    return { decision: out.decision, released };
  });
}

/**
 * Resolves without applying, then releases the stream's parked events. The discarded version is
 * skipped over when known; when the record was unparseable (version unknown) the first parked
 * event is allowed to follow the gap.
 */
export async function discardDeadLetter(pool: Pool, id: number, mode: ConsumeMode): Promise<{ released: number }> {
  return transactional(pool, async (conn) => {
    const dl = await lockOpen(conn, id);
    await resolve(conn, id, 'discarded');
    if (dl.streamId === null) return { released: 0 };
    if ((await lockOpenDeadLetter(conn, dl.streamId)) !== null) return { released: 0 };
    const released = await drainParked(conn, dl.streamId, mode, { allowGap: dl.streamVersion === null });
    return { released };
  });
}
