// Readers sample the query API during the run and record every answer in the history (`read`
// entries), so the monotonic-reads checker can see a stream's version go backwards for one reader
// — a transient regression the final state never shows. Each reader is one session reading the
// hot streams one request at a time, and the streams the nemesis just tampered with more often.
import type { HistoryRecorder } from '../history/recorder.ts';
import { createRng } from './random.ts';

export interface ReadersOptions {
  queryApi: string; // base URL of the query API
  recorder: Pick<HistoryRecorder, 'read'>;
  /** The streams worth reading now, hottest first (the workload's hot set). */
  streams: () => readonly string[];
  /**
   * Streams to watch closely now (e.g. just given a stale or reordered copy): while any, every
   * other read of each reader goes to them in turn, so a regression that lasts only until the
   * stream's next event is still seen.
   */
  watched?: () => readonly string[];
  readers?: number;
  /** Pause between one reader's reads (ms). */
  intervalMs?: number;
  timeoutMs?: number;
  seed?: number;
  /** The history clock (ms): each read records when it was sent, so reads can be judged in real time. */
  now?: () => number;
}

export interface ReadersHandle {
  /** Stops every reader after its current read; resolves with what they did. */
  stop(): Promise<{ reads: number; noAnswer: number }>;
}

export function startReaders(o: ReadersOptions): ReadersHandle {
  const count = o.readers ?? 4;
  const interval = o.intervalMs ?? 40;
  const timeoutMs = o.timeoutMs ?? 1000;
  let stopped = false;
  let reads = 0;
  let noAnswer = 0;

  async function reader(id: number): Promise<void> {
    const rng = createRng((o.seed ?? 1) * 7919 + id);
    let turn = 0;
    while (!stopped) {
      const watched = o.watched?.() ?? [];
      const fromWatched = watched.length > 0 && turn++ % 2 === 0;
      const candidates = fromWatched ? watched : o.streams();
      if (candidates.length > 0) {
        const userId = fromWatched ? candidates[((turn >> 1) + id) % candidates.length]! : rng.pick(candidates);
        const sentMs = o.now?.();
        try {
          const res = await fetch(`${o.queryApi}/users/${encodeURIComponent(userId)}`, { signal: AbortSignal.timeout(timeoutMs) });
          const body = (await res.json().catch(() => ({}))) as { version?: unknown; deleted?: unknown };
          o.recorder.read({
            reader: id,
            userId,
            status: res.status,
            ...(typeof body.version === 'number' ? { version: body.version } : {}),
            ...(typeof body.deleted === 'boolean' ? { deleted: body.deleted } : {}),
            ...(sentMs !== undefined ? { sentMs } : {}),
          });
          reads++;
        } catch {
          noAnswer++; // query API cut off or restarting: nothing was read
        }
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  const running = Array.from({ length: count }, (_, i) => reader(i));
  return {
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { reads, noAnswer };
    },
  };
}
