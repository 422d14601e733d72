// Query-API readers: a few sessions, each reading `GET /users/:id` of streams written recently and
// recording every answer as a `read` history entry. The monotonic-reads checker then asks whether
// a session ever saw a stream's version go back.
import type { ReadEntry } from '../history/types.ts';
import { every } from './every.ts';

export type ReadRecord = Omit<ReadEntry, 'type' | 't'>;

/** The streams written most recently, newest first, without repeats: what a reader looks at next. */
export function recentStreams(written: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = written.length - 1; i >= 0 && out.length < n; i--) if (!out.includes(written[i]!)) out.push(written[i]!);
  return out;
}

/** The query API's answer as a read record (status alone when it is not a user). */
export function readRecordOf(reader: number, userId: string, status: number, body: unknown): ReadRecord {
  const b = (body ?? {}) as { version?: unknown; deleted?: unknown };
  return {
    reader,
    userId,
    status,
    ...(typeof b.version === 'number' ? { version: b.version } : {}),
    ...(typeof b.deleted === 'boolean' ? { deleted: b.deleted } : {}),
  };
}

export interface ReadersOptions {
  queryApi: string;
  readers?: number; // sessions
  everyMs?: number;
  perTick?: number; // streams each reader reads per tick
  record: (r: ReadRecord) => void;
}

export function startReaders(o: ReadersOptions) {
  const written: string[] = [];
  const tickers = Array.from({ length: o.readers ?? 3 }, (_, reader) =>
    every(o.everyMs ?? 200, async () => {
      for (const userId of recentStreams(written, o.perTick ?? 4)) {
        try {
          const res = await fetch(`${o.queryApi}/users/${encodeURIComponent(userId)}`, { signal: AbortSignal.timeout(1000) });
          o.record(readRecordOf(reader, userId, res.status, res.status === 200 ? await res.json() : null));
        } catch {
          /* no answer: nothing was read */
        }
      }
    }),
  );
  return {
    /** Told of each stream the workload wrote to (an ok command). */
    wrote(userId: string) {
      written.push(userId);
      if (written.length > 1000) written.splice(0, 500);
    },
    stop: () => Promise.all(tickers.map((t) => t.stop())).then(() => undefined),
  };
}
