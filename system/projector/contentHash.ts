// The content of an event, as a hash: what the inbox remembers an event id was applied with, so
// a record reusing that id (or that version) with other content is seen as a conflict. The
// traceparent and the occurred-at text are left out (a delivery detail, and a time the event
// store may format with another precision on a rebuild) and payload keys are sorted, so a
// re-publish or a rebuild of the same event always hashes the same. Pure.
import type { EventEnvelope } from '../shared/events.ts';
import { sha256Hex } from './fitColumn.ts';

export function contentHash(e: EventEnvelope): string {
  const payload = Object.fromEntries(Object.entries(e.payload as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256Hex(
    JSON.stringify([e.eventId, e.streamId, e.streamVersion, e.type, e.schemaVersion, e.correlationId, e.causationId, payload]),
  );
}
