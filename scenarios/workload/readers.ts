// Readers sample the query API during the run and record every answer in the history (`read`
// entries), so the monotonic-reads checker can see a stream's version go backwards for one reader
// — a transient regression the final state never shows. Each reader is one session reading the
// hot streams one request at a time, and the streams the nemesis just tampered with more often.
// Every few reads is a page of `GET /users` instead: each item is a read of its user too (judged
// by the same checkers), and the page's own shape is judged by `page-inconsistent`.
import type { HistoryRecorder } from '../history/recorder.ts';
import { createRng } from './random.ts';

export interface ReadersOptions {
  queryApi: string; // base URL of the query API
  recorder: Pick<HistoryRecorder, 'read' | 'page'>;
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
  /** Every `pageEvery`-th read of a reader is a page of `GET /users` (deleted users included); 0: never. */
  pageEvery?: number;
  pageSize?: number;
}

interface PageBody {
  items?: Array<{ id?: unknown; version?: unknown; deleted?: unknown }>;
  total?: unknown;
}

export interface ReadersHandle {
  /** Stops every reader after its current read; resolves with what they did. */
  stop(): Promise<{ reads: number; noAnswer: number }>;
}

/** Page reads shared by the readers: the next page is drawn among those the last answer had. */
function pageReader(o: ReadersOptions, pageSize: number, timeoutMs: number) {
  let pages = 1;
  let pageReads = 0;
  /** One page, each item recorded as a read of its user with what the page said about itself; false: no page came. */
  return async (id: number, rng: ReturnType<typeof createRng>): Promise<boolean> => {
    const number = 1 + Math.floor(rng.next() * pages);
    const sentMs = o.now?.();
    const res = await fetch(`${o.queryApi}/users?page=${number}&pageSize=${pageSize}&includeDeleted=true`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      return false;
    }
    const body = (await res.json()) as PageBody;
    const items = body.items ?? [];
    const total = typeof body.total === 'number' ? body.total : -1;
    pages = Math.max(1, Math.ceil(total / pageSize));
    const page = { read: pageReads++, number, size: pageSize, total, count: items.length };
    // The page itself, empty or not: an empty page whose total says it should hold users is
    // visible only here.
    o.recorder.page({ reader: id, ...page, userIds: items.map((it) => String(it.id)), ...(sentMs !== undefined ? { sentMs } : {}) });
    for (const it of items) {
      o.recorder.read({
        reader: id,
        userId: String(it.id),
        status: 200,
        ...(typeof it.version === 'number' ? { version: it.version } : {}),
        ...(typeof it.deleted === 'boolean' ? { deleted: it.deleted } : {}),
        ...(sentMs !== undefined ? { sentMs } : {}),
        page,
      });
    }
    return true;
  };
}

export function startReaders(o: ReadersOptions): ReadersHandle {
  const count = o.readers ?? 4;
  const interval = o.intervalMs ?? 40;
  const timeoutMs = o.timeoutMs ?? 1000;
  const pageEvery = o.pageEvery ?? 5;
  const pageSize = o.pageSize ?? 20;
  const readPage = pageReader(o, pageSize, timeoutMs);
  let stopped = false;
  let reads = 0;
  let noAnswer = 0;

  async function reader(id: number): Promise<void> {
    const rng = createRng((o.seed ?? 1) * 7919 + id);
    let turn = 0;
    let n = 0;
    while (!stopped) {
      if (pageEvery > 0 && ++n % pageEvery === 0) {
        // A page that did not come (an error status, no answer) is no read: nothing was recorded.
        if (await readPage(id, rng).catch(() => false)) reads++;
        else noAnswer++;
        await new Promise((r) => setTimeout(r, interval));
        continue;
      }
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
