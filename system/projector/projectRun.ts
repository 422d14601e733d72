// The fast path for a run of consecutive records of one partition: ONE `queries` transaction
// for many events, as long as each is an ordinary case: apply, re-apply (not effectively-once)
// or an inbox duplicate, on a stream with no dead letter and no parked event. It reads what
// projectEvent reads, for all events at once (four queries, whatever the count), decides each
// event in order with the same decide() on state carried in memory, and writes the rows
// projectEvent would write: the USER_DATA row, one applied_events row and one inbox row per
// applied event, the checkpoint. The first event that is anything else (park, a stream to
// drain, a rename of an unknown user...) ends the run; the caller hands it to the one-record
// path (projectEvent), which owns parking, draining, the sequenced DLQ and retries.
// Lock order as in readModelStore.ts: dead_letters → USER_DATA → parked_events.
import type { RowDataPacket } from 'mysql2';
import type { PoolConnection } from 'mysql2/promise';
import type { EventEnvelope } from '../shared/events.ts';
import { decide, type ConsumeMode, type Decision } from './decide.ts';
import { evolve, type UserState } from './evolve.ts';
import { saveCheckpoint, type RecordPosition, type UserRow } from './readModelStore.ts';

export interface RunItem {
  event: EventEnvelope;
  pos: RecordPosition;
}

export type RunDecision = Extract<Decision, 'apply' | 'reapply' | 'duplicate'>;

interface StreamState extends UserState {
  version: number;
  appliedCount: number; // applies and re-applies in this run, added to the row's count
  existed: boolean; // the row was there before the run: UPDATE, else INSERT
  touched: boolean;
}

/**
 * Applies the longest prefix of `items` made of ordinary cases, inside the caller's transaction.
 * Returns one decision per item of that prefix (empty: the first item needs the one-record path).
 */
export async function projectRun(conn: PoolConnection, items: readonly RunItem[], mode: ConsumeMode): Promise<RunDecision[]> {
  if (items.length === 0) return [];
  const streams = [...new Set(items.map((i) => i.event.streamId))];
  const seen = mode === 'effectively-once' ? await inboxHits(conn, items.map((i) => i.event.eventId)) : new Set<string>();
  // Any dead letter that is not replayed (open: the stream is blocked; discarded: its version is
  // not a gap) and any parked event (an apply would drain it) sends the stream to projectEvent.
  const special = await streamsWithDeadLetters(conn, streams);
  const users = await lockUsers(conn, streams);
  for (const s of await streamsWithParked(conn, streams)) special.add(s);

  const state = new Map<string, StreamState>();
  for (const [id, u] of users) state.set(id, { ...u, appliedCount: 0, existed: true, touched: false });
  const decisions: RunDecision[] = [];
  const applied: RunItem[] = [];
  const logged: RunItem[] = []; // applied or re-applied: one applied_events row each
  for (const item of items) {
    const e = item.event;
    // A known duplicate is dropped even on a blocked stream (decide's first rule).
    if (mode === 'effectively-once' && seen.has(e.eventId)) {
      decisions.push('duplicate');
      continue;
    }
    if (special.has(e.streamId)) break;
    const cur = state.get(e.streamId) ?? null;
    const decision = decide(mode, { inInbox: false, blocked: false, lastVersion: cur?.version ?? 0 }, e.streamVersion);
    if (decision === 'apply') {
      let next: UserState;
      try {
        next = evolve(cur, e);
      } catch {
        break; // e.g. a rename of an unknown user: projectEvent dead-letters it
      }
      state.set(e.streamId, {
        ...next,
        version: e.streamVersion,
        appliedCount: (cur?.appliedCount ?? 0) + 1,
        existed: cur?.existed ?? false,
        touched: true,
      });
      seen.add(e.eventId);
      applied.push(item);
    } else if (decision === 'reapply' && cur !== null) {
      // The state stays; the count and the log show the duplicate (writeReapplied).
      state.set(e.streamId, { ...cur, appliedCount: cur.appliedCount + 1, touched: true });
    } else if (decision !== 'duplicate') {
      break; // park-gap / park-blocked
    }
    if (decision !== 'duplicate') logged.push(item);
    decisions.push(decision);
  }
  if (decisions.length === 0) return [];

  const touched = [...state.entries()].filter(([, s]) => s.touched);
  const fresh = touched.filter(([, s]) => !s.existed);
  if (fresh.length > 0) {
    // A plain INSERT, as writeApplied: a row that appeared meanwhile is an error, not a merge.
    await conn.query('INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES ?', [
      fresh.map(([id, s]) => [id, s.name, s.dateRegister, s.version, s.appliedCount, s.deleted ? 1 : 0]),
    ]);
  }
  const old = touched.filter(([, s]) => s.existed);
  if (old.length > 0) {
    // These rows exist and are locked (lockUsers): the upsert always takes its UPDATE branch.
    await conn.query(
      `INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES ?
       ON DUPLICATE KEY UPDATE NAME = VALUES(NAME), DATE_REGISTER = VALUES(DATE_REGISTER), VERSION = VALUES(VERSION),
         DELETED = VALUES(DELETED), APPLIED_COUNT = APPLIED_COUNT + VALUES(APPLIED_COUNT), UPDATED_AT = CURRENT_TIMESTAMP(6)`,
      [old.map(([id, s]) => [id, s.name, s.dateRegister, s.version, s.appliedCount, s.deleted ? 1 : 0])],
    );
  }
  if (logged.length > 0) {
    // One multi-row INSERT: ids are assigned in row order, so the log keeps the stream order.
    await conn.query(
      `INSERT INTO applied_events
         (event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode) VALUES ?`,
      [logged.map(({ event: e, pos: p }) => [e.eventId, e.streamId, e.streamVersion, e.type, 'kafka', p.topic, p.partition, p.offset, mode])],
    );
  }
  if (applied.length > 0) {
    // IGNORE: outside effectively-once a redelivery is applied again and must not fail here.
    await conn.query('INSERT IGNORE INTO inbox (event_id, stream_id, stream_version) VALUES ?', [
      applied.map(({ event: e }) => [e.eventId, e.streamId, e.streamVersion]),
    ]);
  }
  await saveCheckpoint(conn, items[decisions.length - 1]!.pos);
  return decisions;
}

async function inboxHits(conn: PoolConnection, eventIds: string[]): Promise<Set<string>> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT event_id FROM inbox WHERE event_id IN (?)', [eventIds]);
  return new Set(rows.map((r) => String(r.event_id)));
}

async function streamsWithDeadLetters(conn: PoolConnection, streams: string[]): Promise<Set<string>> {
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT stream_id FROM dead_letters WHERE stream_id IN (?) AND status IN ('open', 'discarded') FOR UPDATE",
    [streams],
  );
  return new Set(rows.map((r) => String(r.stream_id)));
}

async function lockUsers(conn: PoolConnection, streams: string[]): Promise<Map<string, UserRow>> {
  const [rows] = await conn.query<RowDataPacket[]>(
    `SELECT ID_USER_DATA, NAME, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED
       FROM USER_DATA WHERE ID_USER_DATA IN (?) FOR UPDATE`,
    [streams],
  );
  return new Map(
    rows.map((r) => [
      String(r.ID_USER_DATA),
      { name: String(r.NAME), dateRegister: String(r.DATE_REGISTER), deleted: Number(r.DELETED) === 1, version: Number(r.VERSION), appliedCount: Number(r.APPLIED_COUNT) },
    ]),
  );
}

async function streamsWithParked(conn: PoolConnection, streams: string[]): Promise<string[]> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT stream_id FROM parked_events WHERE stream_id IN (?) AND released_at IS NULL FOR UPDATE',
    [streams],
  );
  return rows.map((r) => String(r.stream_id));
}
