// End-to-end visibility latency: for a sample of `ok` commands (every Nth), the time from the
// command's ack to the moment the query API shows its version. Sampled, so the probe's own
// polling stays a small load next to the workload's.
import { percentile } from '../bench/stats.ts';

export interface VisibilityStats {
  sampled: number;
  visible: number; // seen within the deadline
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export function visibilityStats(latencies: readonly number[], sampled: number): VisibilityStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? Math.round(percentile(sorted, p) * 10) / 10 : null);
  return { sampled, visible: sorted.length, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: at(100) };
}

export function createVisibilityProbe(o: { queryApi: string; every?: number; intervalMs?: number; now: () => number }) {
  const every = o.every ?? 3;
  const interval = o.intervalMs ?? 20;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let seen = 0;
  let stopAt = Number.POSITIVE_INFINITY;

  async function watch(userId: string, version: number, ackMs: number) {
    while (o.now() < stopAt) {
      try {
        const res = await fetch(`${o.queryApi}/users/${encodeURIComponent(userId)}`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200 && Number(((await res.json()) as { version?: number }).version) >= version) {
          latencies.push(o.now() - ackMs);
          return;
        }
      } catch {
        /* query API cut off or restarting: keep looking */
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  return {
    /** Called for every ok command; watches every `every`th. */
    observe(userId: string, version: number | undefined, ackMs: number) {
      if (version === undefined || seen++ % every !== 0) return;
      pending.push(watch(userId, version, ackMs));
    },
    /** Waits for the watched commands until `deadlineMs` (history clock) and summarises. */
    async settle(deadlineMs: number): Promise<VisibilityStats> {
      stopAt = deadlineMs;
      await Promise.all(pending);
      return visibilityStats(latencies, pending.length);
    },
  };
}
