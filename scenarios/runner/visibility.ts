// End-to-end visibility latency: the time from an `ok` command's ack to the moment the query API
// shows its version. The first `first` ok commands are all watched (enough for a p99), later ones
// every Nth, so the probe's own polling stays a small load next to the workload's.
import { percentile } from '../bench/stats.ts';
import type { VisibilityStats } from '../record/scenarioRecord.ts';

/** Whether the `seen`-th ok command (0-based) is watched. */
export function watched(seen: number, first: number, every: number): boolean {
  return seen < first || (seen - first) % every === 0;
}

export function visibilityStats(latencies: readonly number[], sampled: number): VisibilityStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? Math.round(percentile(sorted, p) * 10) / 10 : null);
  return { sampled, visible: sorted.length, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: at(100) };
}

export function createVisibilityProbe(o: { queryApi: string; first?: number; every?: number; intervalMs?: number; now: () => number }) {
  const first = o.first ?? 250;
  const every = o.every ?? 4;
  const interval = o.intervalMs ?? 20;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let seen = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let giveUp: () => boolean = () => false;

  async function watch(userId: string, version: number, ackMs: number) {
    // Polls fast at first and slower while the read side lags, so hundreds of watchers in a
    // backlog stay a light load (the error stays under the longest wait, 250 ms).
    let wait = interval;
    while (o.now() < stopAt && !giveUp()) {
      try {
        const res = await fetch(`${o.queryApi}/users/${encodeURIComponent(userId)}`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 && Number(((await res.json()) as { version?: number }).version) >= version) {
          latencies.push(o.now() - ackMs);
          return;
        }
      } catch {
        /* query API cut off or restarting: keep looking */
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(250, wait * 1.5);
    }
  }

  return {
    /** Called for every ok command. */
    observe(userId: string, version: number | undefined, ackMs: number) {
      if (version === undefined || !watched(seen++, first, every)) return;
      pending.push(watch(userId, version, ackMs));
    },
    /** Waits for the watched commands until `deadlineMs` (history clock), or until `stopEarly` says so, and summarises. */
    async settle(deadlineMs: number, stopEarly?: () => boolean): Promise<VisibilityStats> {
      stopAt = deadlineMs;
      if (stopEarly) giveUp = stopEarly;
      await Promise.all(pending);
      return visibilityStats(latencies, pending.length);
    },
  };
}
