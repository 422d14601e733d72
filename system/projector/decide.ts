// What to do with one valid event, given what the read model already holds. Pure.

export const CONSUME_MODES = ['effectively-once', 'at-least-once', 'at-most-once'] as const;
export type ConsumeMode = (typeof CONSUME_MODES)[number];

export interface StreamView {
  inInbox: boolean; // the event id was applied before, with this content (only consulted in effectively-once)
  conflict?: string | undefined; // why the event contradicts what was applied (conflictOf)
  blocked: boolean; // the stream has an open dead letter (sequenced DLQ)
  lastVersion: number; // last version in order: applied, extended over discarded dead letters' versions
  /** Last version actually applied (default lastVersion). A discarded dead letter's version still
   *  takes a real event carrying it: discarding a forged record must not drop the genuine one. */
  appliedVersion?: number;
}

export type Decision =
  | 'apply'
  | 'conflict' // another event was applied under this id or this version: dead-lettered with the reason
  | 'reapply' // a stale version applied again (not effectively-once): logged and counted, state kept
  | 'duplicate' // skipped: already applied
  | 'park-blocked' // held until the stream's dead letter is replayed or discarded
  | 'park-gap'; // held until the missing versions arrive

/**
 * Order of checks matters: a known duplicate is dropped even on a blocked stream; a blocked
 * stream parks everything (even the next version) so nothing overtakes the dead letter; a gap
 * (version > last + 1) is parked rather than applied out of order, and drained as soon as the
 * missing version is applied. Only effectively-once drops stale versions (≤ last): the other
 * modes re-apply them on purpose, so their duplicates are visible in data (applied_events,
 * APPLIED_COUNT) — without moving the state back to an old version, so the read model still
 * converges: the mode's documented anomaly is "duplicated", not "diverged".
 */
export function decide(mode: ConsumeMode, view: StreamView, version: number): Decision {
  if (view.conflict !== undefined) return 'conflict';
  if (mode === 'effectively-once' && view.inInbox) return 'duplicate';
  if (view.blocked) return 'park-blocked';
  if (version > view.lastVersion + 1) return 'park-gap';
  if (version <= (view.appliedVersion ?? view.lastVersion)) return mode === 'effectively-once' ? 'duplicate' : 'reapply';
  return 'apply';
}

/** What the read model remembers of an applied event (its inbox entry: its first applied_events row). */
export interface PriorApply {
  eventId: string;
  streamId: string;
  streamVersion: number;
  contentSha256: string | null; // null: applied before content hashes were kept
}

/**
 * Why an event contradicts what was applied, or undefined: its id was applied with another
 * stream, version or content (`byId`), or its version was applied by another event id
 * (`idAtVersion`: the id applied at that stream version, when the version is not new).
 * A true redelivery (same id, same content) is no conflict: the mode decides what it does.
 */
export function conflictOf(
  event: { eventId: string; streamId: string; streamVersion: number },
  contentSha256: string,
  byId: PriorApply | null,
  idAtVersion: string | null,
): string | undefined {
  if (byId !== null) {
    if (byId.streamId !== event.streamId || byId.streamVersion !== event.streamVersion) {
      return `event id ${event.eventId} was applied as ${byId.streamId}@${byId.streamVersion}, now seen as ${event.streamId}@${event.streamVersion}`;
    }
    if (byId.contentSha256 !== null && byId.contentSha256 !== contentSha256) {
      return `event id ${event.eventId} was applied with other content (sha256 ${byId.contentSha256}, now ${contentSha256})`;
    }
    return undefined;
  }
  if (idAtVersion !== null && idAtVersion !== event.eventId) {
    return `version ${event.streamVersion} of stream ${event.streamId} was applied by event ${idAtVersion}, not ${event.eventId}`;
  }
  return undefined;
}
