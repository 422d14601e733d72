// The streams the nemesis just tampered with (a stale copy, a reversed pair, an overtaking or
// conflicting record…), read from the history as it grows, so the query-API readers can watch
// them while a regression would still be visible.
import type { HistoryEntry } from '../history/types.ts';

/** How long after its injection a stream stays watched (ms, history clock). */
export const WATCH_MS = 4_000;

/** Streams with an injection recorded at or after `sinceMs`, newest first. */
export function tamperedSince(entries: readonly HistoryEntry[], sinceMs: number): string[] {
  const out: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.t.ms < sinceMs) break; // entries are in clock order
    if (e.type === 'inject' && e.streamId && !out.includes(e.streamId)) out.push(e.streamId);
  }
  return out;
}

/** A cheap view for readers: recomputed at most every `refreshMs`. */
export function watchTampered(entries: () => readonly HistoryEntry[], now: () => number, refreshMs = 250): () => readonly string[] {
  let at = Number.NEGATIVE_INFINITY;
  let cached: readonly string[] = [];
  return () => {
    const t = now();
    if (t - at >= refreshMs) {
      cached = tamperedSince(entries(), t - WATCH_MS);
      at = t;
    }
    return cached;
  };
}
