// Runs generated command sequences through the client, one async worker per client sequence,
// paced so the workload spans the fault window, and records every op in the history.
import { randomUUID } from 'node:crypto';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { Command } from './commands.ts';
import type { createCommandClient } from './httpClient.ts';

export interface WorkloadRun {
  perClient: Command[][];
  client: ReturnType<typeof createCommandClient>;
  recorder: HistoryRecorder;
  /** Spread each client's ops over about this long (ms). */
  spreadMs: number;
  signal?: AbortSignal;
  /** Told of every ok command, e.g. to measure when it becomes visible on the read side. */
  onOk?: (c: Command, version: number | undefined) => void;
}

export interface WorkloadStats { sent: number; ok: number; fail: number; unknown: number }

export async function runWorkload(w: WorkloadRun): Promise<WorkloadStats> {
  const stats: WorkloadStats = { sent: 0, ok: 0, fail: 0, unknown: 0 };
  await Promise.all(w.perClient.map(async (cmds, process) => {
    const gap = cmds.length > 1 ? w.spreadMs / cmds.length : 0;
    for (const c of cmds) {
      if (w.signal?.aborted) return;
      const started = Date.now();
      const idempotencyKey = randomUUID();
      const id = w.recorder.invoke({
        process, kind: c.kind, userId: c.userId, idempotencyKey,
        ...('name' in c ? { name: c.name } : {}),
        ...('expectedVersion' in c && c.expectedVersion !== undefined ? { expectedVersion: c.expectedVersion } : {}),
      });
      const result = await w.client.send(c, idempotencyKey);
      w.recorder.complete(id, result);
      if (result.outcome === 'ok') w.onOk?.(c, result.version);
      stats.sent++;
      stats[result.outcome]++;
      const wait = gap - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }));
  return stats;
}
