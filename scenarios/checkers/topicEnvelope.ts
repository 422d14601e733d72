/** A topic record's event envelope (stream id, version, event id), or undefined for anything else. */
export function envelopeOf(value: string | null): { streamId: string; streamVersion: number; eventId?: string } | undefined {
  if (value === null) return undefined;
  try {
    const v = JSON.parse(value) as { streamId?: unknown; streamVersion?: unknown; eventId?: unknown };
    if (typeof v.streamId !== 'string' || typeof v.streamVersion !== 'number') return undefined;
    return { streamId: v.streamId, streamVersion: v.streamVersion, ...(typeof v.eventId === 'string' ? { eventId: v.eventId } : {}) };
  } catch {
    return undefined;
  }
}
