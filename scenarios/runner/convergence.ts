// Convergence from the last heal, with the workload still running past it: the read model has
// caught up when every stream shows at least the version the write side had at the heal. Events
// written after the heal do not move the goal, so a busy workload cannot keep it from converging.
export type StreamVersions = ReadonlyMap<string, number>;

/** Streams whose read-side version is still behind the goal (empty: caught up). */
export function behind(goal: StreamVersions, read: StreamVersions): string[] {
  return [...goal].filter(([id, v]) => (read.get(id) ?? 0) < v).map(([id]) => id);
}

export interface ConvergenceProbe {
  writeVersions(): Promise<StreamVersions>;
  readVersions(): Promise<StreamVersions>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the goal (write-side versions) right after the heal, then polls the read side until it
 * reaches the goal: the history-clock ms of that moment, or null at the deadline.
 */
export async function watchConvergence(
  p: ConvergenceProbe,
  o: { deadlineMs: number; now: () => number; everyMs?: number; giveUp?: () => boolean },
): Promise<number | null> {
  let goal: StreamVersions | undefined;
  for (;;) {
    try {
      goal ??= await p.writeVersions();
      if (behind(goal, await p.readVersions()).length === 0) return o.now();
    } catch {
      /* a database still coming back: keep polling */
    }
    if (o.now() >= o.deadlineMs || o.giveUp?.()) return null;
    await sleep(o.everyMs ?? 200);
  }
}
