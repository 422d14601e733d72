// What to do with one valid event, given what the read model already holds. Pure.

export const CONSUME_MODES = ['effectively-once', 'at-least-once', 'at-most-once'] as const;
export type ConsumeMode = (typeof CONSUME_MODES)[number];

export interface StreamView {
  inInbox: boolean; // the event id was applied before (only consulted in effectively-once)
  blocked: boolean; // the stream has an open dead letter (sequenced DLQ)
  lastVersion: number; // last applied stream version, 0 when the stream is unknown
}

export type Decision =
  | 'apply'
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
  if (mode === 'effectively-once' && view.inInbox) return 'duplicate';
  if (view.blocked) return 'park-blocked';
  if (version > view.lastVersion + 1) return 'park-gap';
  if (version <= view.lastVersion) return mode === 'effectively-once' ? 'duplicate' : 'reapply';
  return 'apply';
}
