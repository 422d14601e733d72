// The content of an event, as a hash: what the inbox remembers an event id was applied with, so
// a record reusing that id (or that version) with other content is seen as a conflict. The
// traceparent and the occurred-at text are left out (a delivery detail, and a time the event
// store may format with another precision on a rebuild) and payload keys are sorted, so a
// re-publish or a rebuild of the same event always hashes the same. Pure.
import type { EventEnvelope } from '../shared/events.ts';
import { sha256Hex } from './fitColumn.ts';

// One hash per event object: the run path needs it to judge a redelivery, to remember the
// applied event and to write its inbox entry.
const hashes = new WeakMap<EventEnvelope, string>();

export function contentHash(e: EventEnvelope): string {
  let h = hashes.get(e);
  if (h === undefined) {
    h = computeHash(e);
    hashes.set(e, h);
  }
  return h;
}

function computeHash(e: EventEnvelope): string {
  const payload = Object.fromEntries(Object.entries(e.payload as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256Hex(
    JSON.stringify([e.eventId, e.streamId, e.streamVersion, e.type, e.schemaVersion, e.correlationId, e.causationId, payload]),
  );
}
