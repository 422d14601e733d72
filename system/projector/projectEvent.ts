// One event into the read model, inside the caller's transaction: decide (inbox, sequenced DLQ,
// version gap), then apply or park; after an apply, drain parked events the apply made
// contiguous. Also used by the dlq command (replay, release) so both paths share one rule set.
import type { PoolConnection } from 'mysql2/promise';
import type { EventEnvelope } from '../shared/events.ts';
import { decide, type ConsumeMode, type Decision } from './decide.ts';
import { evolve, NoSuchUserError } from './evolve.ts';
import {
  effectiveLastVersion,
  isInInbox,
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
  const inInbox = mode === 'effectively-once' ? await isInInbox(conn, event.eventId) : false;
  const blocked = inInbox || opts.ignoreBlock ? false : (await lockOpenDeadLetter(conn, event.streamId)) !== null;
  const user = inInbox || blocked ? null : await lockUser(conn, event.streamId);
  // Skipped when the decision is already known (duplicate or blocked): saves two reads.
  const lastVersion = inInbox || blocked ? 0 : await effectiveLastVersion(conn, event.streamId, user?.version ?? 0);
  const decision = decide(mode, { inInbox, blocked, lastVersion }, event.streamVersion);
  switch (decision) {
    case 'duplicate':
      return { decision, released: 0 };
    case 'reapply':
      await writeReapplied(conn, event, { source, mode, position });
      return { decision, released: 0 };
    case 'park-blocked':
      await parkEvent(conn, event, 'blocked', position);
      return { decision, released: 0 };
    case 'park-gap':
      await parkEvent(conn, event, 'gap', position);
      return { decision, released: 0 };
    case 'apply': {
      await writeApplied(conn, event, evolve(user, event), user !== null, { source, mode, position });
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
export async function drainParked(
  conn: PoolConnection,
  streamId: string,
  mode: ConsumeMode,
  opts: { allowGap: boolean },
): Promise<number> {
  const parked = await lockParked(conn, streamId);
  if (parked.length === 0) return 0;
  let user = await lockUser(conn, streamId);
  let applied = 0;
  let allowGap = opts.allowGap;
  for (const p of parked) {
    const last = await effectiveLastVersion(conn, streamId, user?.version ?? 0);
    const v = p.event.streamVersion;
    if (v <= last || (mode === 'effectively-once' && (await isInInbox(conn, p.event.eventId)))) {
      await releaseParked(conn, p.id, 'duplicate');
      continue;
    }
    if (v !== last + 1 && !allowGap) break;
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
    await writeApplied(conn, p.event, next, user !== null, { source: 'release', mode, position: null });
    await releaseParked(conn, p.id, 'applied');
    user = { ...next, version: v, appliedCount: (user?.appliedCount ?? 0) + 1 };
    allowGap = false;
    applied++;
  }
  return applied;
}
