// The fast path for a run of consecutive records of one partition: ONE `queries` transaction
// for many events, as long as each is an ordinary case: apply, re-apply (not effectively-once) or
// an inbox duplicate on a stream with no dead letter and no parked event, or a version gap parked
// on a stream with no dead letter. (Once a stream misses a version, every later event of it is a
// gap: one transaction each would crawl exactly when the projector has the most to catch up.) It
// reads what projectEvent reads, for all events at once (four queries, whatever the count, sent in
// one round trip), decides each event in order with the same decide() on state carried in memory,
// and writes the rows projectEvent would write, with the same SQL (readModelStore's writers, many
// rows at once, in one more round trip): the USER_DATA rows, one applied_events row per applied
// event (a first apply's row is its inbox entry too), one parked_events row per gap, the checkpoint. The first event that is
// anything else (a blocked stream, a stream to drain, a rename of an unknown user...) ends the
// run; the caller hands it to the one-record path (projectEvent), which owns draining, the
// sequenced DLQ and retries.
// Lock order as in readModelStore.ts: dead_letters → USER_DATA → parked_events.
import type { RowDataPacket } from 'mysql2';
import type { PoolConnection } from 'mysql2/promise';
import { runStatements, type Statement } from '../shared/db.ts';
import type { EventEnvelope } from '../shared/events.ts';
import { contentHash } from './contentHash.ts';
import { conflictOf, decide, type ConsumeMode, type Decision, type PriorApply } from './decide.ts';
import { evolve, type UserState } from './evolve.ts';
import {
  insertAppliedLogStatement,
  insertUsersStatement,
  parkEventsStatement,
  priorAppliesStatement,
  saveCheckpointStatement,
  toPriorApplies,
  updateUsersStatement,
  type RecordPosition,
  type UserRow,
  type UserWrite,
} from './readModelStore.ts';

export interface RunItem {
  event: EventEnvelope;
  pos: RecordPosition;
}

export type RunDecision = Extract<Decision, 'apply' | 'reapply' | 'duplicate' | 'park-gap'>;

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
  const { prior, dead, parked, users } = await readRun(
    conn,
    items.map((i) => i.event.eventId),
    streams,
  );
  const inInbox = new Set(prior.keys()); // before the run: applied events add to `prior`

  const state = new Map<string, StreamState>();
  for (const [id, u] of users) state.set(id, { ...u, appliedCount: 0, existed: true, touched: false });
  const decisions: RunDecision[] = [];
  const logged: RunItem[] = []; // applied or re-applied: one applied_events row each
  const firsts = new Set<number>(); // indexes in `logged` of first applies: those rows are the inbox entries
  const entered = new Set<string>(); // event ids given an inbox entry by this run
  const parks: RunItem[] = [];
  for (const item of items) {
    const decision = decideInRun(item.event, mode, prior, dead, parked, state.get(item.event.streamId) ?? null);
    if (decision === undefined) break; // conflict, blocked, drain, stale without proof: projectEvent's cases
    if (decision === 'park-gap') {
      parks.push(item);
      parked.add(item.event.streamId); // its next version must drain: projectEvent's case
      decisions.push(decision);
      continue;
    }
    if (!applyInMemory(item, decision, state, prior)) break; // e.g. a rename of an unknown user
    const id = item.event.eventId;
    if (decision === 'apply' && !inInbox.has(id) && !entered.has(id)) {
      firsts.add(logged.length);
      entered.add(id);
    }
    if (decision !== 'duplicate') logged.push(item);
    decisions.push(decision);
  }
  if (decisions.length === 0) return [];

  const touched = [...state.entries()].filter(([, s]) => s.touched);
  const rows = (existed: boolean): UserWrite[] =>
    touched
      .filter(([, s]) => s.existed === existed)
      .map(([id, s]) => ({
        id,
        name: s.name,
        dateRegister: s.dateRegister,
        deleted: s.deleted,
        version: s.version,
        appliedDelta: s.appliedCount,
      }));
  const writes: Array<Statement | null> = [
    insertUsersStatement(rows(false)),
    updateUsersStatement(rows(true)),
    insertAppliedLogStatement(
      logged.map(({ event, pos }, i) => ({ event, meta: { source: 'kafka' as const, mode, position: pos }, first: firsts.has(i) })),
    ),
    parkEventsStatement(parks.map(({ event, pos }) => ({ event, reason: 'gap' as const, position: pos }))),
    saveCheckpointStatement(items[decisions.length - 1]!.pos),
  ];
  await runStatements(
    conn,
    writes.filter((w): w is Statement => w !== null),
  );
  return decisions;
}

// Any dead letter that is not replayed (open: the stream is blocked; discarded: its version is
// not a gap) and any parked event (an apply would drain it) sends the stream to projectEvent.
const DEAD_LETTERS_SQL =
  "SELECT stream_id FROM dead_letters WHERE stream_id IN (?) AND status IN ('open', 'discarded') AND blocks_stream = 1 FOR UPDATE";
const LOCK_USERS_SQL = `SELECT ID_USER_DATA, NAME, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED
       FROM USER_DATA WHERE ID_USER_DATA IN (?) FOR UPDATE`;
const PARKED_SQL = 'SELECT stream_id FROM parked_events WHERE stream_id IN (?) AND released_at IS NULL FOR UPDATE';

/** The run's reads, in one round trip: the inbox rows of its events, then the locks in lock order. */
async function readRun(conn: PoolConnection, eventIds: string[], streams: string[]) {
  const [inbox, dead, users, parked] = (await runStatements(conn, [
    priorAppliesStatement(eventIds),
    { sql: DEAD_LETTERS_SQL, values: [streams] },
    { sql: LOCK_USERS_SQL, values: [streams] },
    { sql: PARKED_SQL, values: [streams] },
  ])) as RowDataPacket[][];
  return {
    prior: toPriorApplies(inbox!),
    dead: new Set(dead!.map((r) => String(r.stream_id))),
    parked: new Set(parked!.map((r) => String(r.stream_id))),
    users: toUsers(users!),
  };
}

/**
 * The run's decision for one event, or undefined when it belongs to the one-record path. A stale
 * version is only handled here when the inbox proves it is the same event (a redelivery): any
 * doubt (a possible conflict) goes to projectEvent, which looks closer. A gap is parked here on
 * any stream without a dead letter (whose discarded versions would move the last version); any
 * other event of a stream with parked events goes to projectEvent, which drains them.
 */
function decideInRun(
  e: EventEnvelope,
  mode: ConsumeMode,
  prior: Map<string, PriorApply>,
  dead: Set<string>,
  parked: Set<string>,
  cur: StreamState | null,
): RunDecision | undefined {
  const byId = prior.get(e.eventId) ?? null;
  if (byId !== null && conflictOf(e, contentHash(e), byId, null) !== undefined) return undefined;
  // A known duplicate is dropped even on a blocked stream (decide's first rule).
  if (mode === 'effectively-once' && byId !== null) return 'duplicate';
  if (dead.has(e.streamId)) return undefined;
  const decision = decide(mode, { inInbox: false, blocked: false, lastVersion: cur?.version ?? 0 }, e.streamVersion);
  if (decision === 'park-gap' && byId === null) return decision;
  if (parked.has(e.streamId)) return undefined;
  if (decision === 'apply') return decision;
  if (decision === 'reapply' && cur !== null && byId !== null) return decision;
  return undefined;
}

/** Carries the decision into the run's in-memory state; false: the event cannot apply here. */
function applyInMemory(item: RunItem, decision: RunDecision, state: Map<string, StreamState>, prior: Map<string, PriorApply>): boolean {
  const e = item.event;
  const cur = state.get(e.streamId) ?? null;
  if (decision === 'apply') {
    let next: UserState;
    try {
      next = evolve(cur, e);
    } catch {
      return false; // projectEvent dead-letters it
    }
    state.set(e.streamId, {
      ...next,
      version: e.streamVersion,
      appliedCount: (cur?.appliedCount ?? 0) + 1,
      existed: cur?.existed ?? false,
      touched: true,
    });
    // Later items of the run see it as applied, as the inbox would show them.
    prior.set(e.eventId, { eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion, contentSha256: contentHash(e) });
  } else if (decision === 'reapply' && cur !== null) {
    // The state stays; the count and the log show the duplicate (writeReapplied).
    state.set(e.streamId, { ...cur, appliedCount: cur.appliedCount + 1, touched: true });
  }
  return true;
}

function toUsers(rows: readonly RowDataPacket[]): Map<string, UserRow> {
  return new Map(
    rows.map((r) => [
      String(r.ID_USER_DATA),
      {
        name: String(r.NAME),
        dateRegister: String(r.DATE_REGISTER),
        deleted: Number(r.DELETED) === 1,
        version: Number(r.VERSION),
        appliedCount: Number(r.APPLIED_COUNT),
      },
    ]),
  );
}
