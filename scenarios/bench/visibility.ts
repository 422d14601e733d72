// End-to-end visibility: from a command's 201 to its version being served by the query API,
// measured on a sample of commands (one poller per sampled command, a bounded number at once),
// not by polling every key.

export interface VisibilityProbe {
  /** Start watching `id` until the query API serves `version` (or later). */
  watch(id: string, version: number, ackedAt: number, sentAt?: number): void;
  /** Waits for the pending probes (bounded), then returns latencies in ms, each seen sample (performance.now() times) and the timed-out count. */
  finish(): Promise<{ latenciesMs: number[]; seen: SeenSample[]; timedOut: number; skipped: number }>;
}

export interface SeenSample {
  id: string;
  sentAt: number;
  ackedAt: number;
  visibleAt: number;
}

export function visibilityProbe(queryApi: string, o: { pollMs: number; timeoutMs: number; maxInFlight: number }): VisibilityProbe {
  const latenciesMs: number[] = [];
  const seen: SeenSample[] = [];
  const pending = new Set<Promise<void>>();
  let timedOut = 0;
  let skipped = 0;

  async function poll(id: string, version: number, ackedAt: number, sentAt: number): Promise<void> {
    const deadline = ackedAt + o.timeoutMs;
    while (performance.now() < deadline) {
      try {
        const res = await fetch(`${queryApi}/users/${id}`, { signal: AbortSignal.timeout(1_000) });
        const v = Number(res.headers.get('x-stream-version'));
        await res.arrayBuffer();
        if (res.status === 200 && v >= version) {
          const visibleAt = performance.now();
          latenciesMs.push(visibleAt - ackedAt);
          seen.push({ id, sentAt, ackedAt, visibleAt });
          return;
        }
      } catch {
        /* a slow answer counts as not yet visible */
      }
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
    timedOut++;
  }

  return {
    watch(id, version, ackedAt, sentAt = ackedAt) {
      if (pending.size >= o.maxInFlight) {
        skipped++; // never let the probe itself become load
        return;
      }
      const p = poll(id, version, ackedAt, sentAt).finally(() => pending.delete(p));
      pending.add(p);
    },
    async finish() {
      await Promise.all([...pending]);
      return { latenciesMs, seen, timedOut, skipped };
    },
  };
}
