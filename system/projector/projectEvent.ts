// One event into the read model, inside the caller's transaction: decide (conflict, inbox,
// sequenced DLQ, version gap), then apply or park (a conflict throws: it is dead-lettered); after an apply, drain parked events the apply made
// contiguous. Also used by the dlq command (replay, release) so both paths share one rule set.
import type { PoolConnection } from 'mysql2/promise';
import type { EventEnvelope } from '../shared/events.ts';
import { contentHash } from './contentHash.ts';
import { conflictOf, decide, type ConsumeMode, type Decision } from './decide.ts';
import { evolve, NoSuchUserError } from './evolve.ts';
import { ConflictingEventError } from './poison.ts';
import {
  effectiveLastVersion,
  eventIdAtVersion,
  priorApply,
  lockOpenDeadLetter,
  lockParked,
  lockUser,
  parkEvent,
  releaseParked,
  writeApplied,
  writeReapplied,
  type ApplySource,
  type RecordPosition,
} from './readModelStore.ts';

export interface ProjectOutcome {
  decision: Decision;
  released: number; // parked events applied after this one
}

export interface ProjectOptions {
  source?: ApplySource;
  /** The dlq command replays a dead letter: it is not blocked by its own stream's dead letters. */
  ignoreBlock?: boolean;
}

export async function projectEvent(
  conn: PoolConnection,
  event: EventEnvelope,
  mode: ConsumeMode,
  position: RecordPosition | null,
  opts: ProjectOptions = {},
): Promise<ProjectOutcome> {
  const source = opts.source ?? 'kafka';
  const hash = contentHash(event);
  const byId = await priorApply(conn, event.eventId);
  const sameEvent = byId !== null && conflictOf(event, hash, byId, null) === undefined;
  const inInbox = mode === 'effectively-once' && sameEvent;
  const blocked = inInbox || opts.ignoreBlock ? false : (await lockOpenDeadLetter(conn, event.streamId)) !== null;
  // Skipped for a known duplicate: saves the reads.
  const user = inInbox ? null : await lockUser(conn, event.streamId);
  const appliedVersion = user?.version ?? 0;
  const lastVersion = inInbox ? 0 : await effectiveLastVersion(conn, event.streamId, appliedVersion);
  const stale = !inInbox && byId === null && event.streamVersion <= appliedVersion;
  const idAtVersion = stale ? await eventIdAtVersion(conn, event.streamId, event.streamVersion) : null;
  const conflict = conflictOf(event, hash, byId, idAtVersion);
  const decision = decide(mode, { inInbox, blocked, lastVersion, appliedVersion, conflict }, event.streamVersion);
  const meta = { source, mode, position };
  switch (decision) {
    case 'conflict':
      throw new ConflictingEventError(conflict ?? 'conflicting event');
    case 'duplicate':
      return { decision, released: 0 };
    case 'reapply':
      await writeReapplied(conn, event, user, meta);
      return { decision, released: 0 };
    case 'park-blocked':
      await parkEvent(conn, event, 'blocked', position);
      return { decision, released: 0 };
    case 'park-gap':
      await parkEvent(conn, event, 'gap', position);
      return { decision, released: 0 };
    case 'apply': {
      await writeApplied(conn, event, evolve(user, event), user !== null, meta, byId !== null);
      // A replay may still have later dead letters of the stream open: then nothing is released.
      const stillBlocked = opts.ignoreBlock ? (await lockOpenDeadLetter(conn, event.streamId)) !== null : false;
      const released = stillBlocked ? 0 : await drainParked(conn, event.streamId, mode, { allowGap: false });
      return { decision, released };
    }
  }
}

/**
 * Apply the stream's parked events that are now next in line, in version order; stop at the
 * first gap (versions of discarded dead letters are not a gap). `allowGap` (after an operator discards a dead letter) lets the first parked event
 * skip over the discarded version; one that cannot apply at all (a rename with no registered
 * user) is then released as 'discarded'. Returns how many were applied.
 */
export async function drainParked(conn: PoolConnection, streamId: string, mode: ConsumeMode, opts: { allowGap: boolean }): Promise<number> {
  const parked = await lockParked(conn, streamId);
  if (parked.length === 0) return 0;
  let user = await lockUser(conn, streamId);
  let applied = 0;
  let allowGap = opts.allowGap;
  for (const p of parked) {
    const appliedVersion = user?.version ?? 0;
    const last = await effectiveLastVersion(conn, streamId, appliedVersion);
    const v = p.event.streamVersion;
    const byId = await priorApply(conn, p.event.eventId);
    // Only an applied version makes a parked event stale: a discarded dead letter's version is
    // still taken by a genuine event carrying it.
    if (v <= appliedVersion || byId !== null) {
      // Held back, then overtaken: a true redelivery is a duplicate; another event under this id
      // or version is a conflict, kept visible in the parked row's outcome.
      const idAtVersion = byId === null && v <= appliedVersion ? await eventIdAtVersion(conn, streamId, v) : null;
      const conflict = conflictOf(p.event, contentHash(p.event), byId, idAtVersion) !== undefined;
      if (conflict || v <= appliedVersion || mode === 'effectively-once') {
        await releaseParked(conn, p.id, conflict ? 'conflict' : 'duplicate');
        continue;
      }
    }
    if (v > last + 1 && !allowGap) break;
    let next;
    try {
      next = evolve(user, p.event);
    } catch (err) {
      if (err instanceof NoSuchUserError && opts.allowGap) {
        await releaseParked(conn, p.id, 'discarded');
        continue;
      }
      throw err;
    }
    await writeApplied(conn, p.event, next, user !== null, { source: 'release', mode, position: null }, byId !== null);
    await releaseParked(conn, p.id, 'applied');
    user = { ...next, version: v, appliedCount: (user?.appliedCount ?? 0) + 1 };
    allowGap = false;
    applied++;
  }
  return applied;
}
