// The workload's figures for the report: ok rate, streams touched and events per stream.
import type { WorkloadSummary } from '../record/scenarioRecord.ts';
import type { CommandOp } from '../history/types.ts';
import type { WorkloadSummary as OpenLoopSummary } from '../workload/summary.ts';

export function summarizeWorkload(ops: readonly CommandOp[], eventsPerStream: ReadonlyMap<string, number>): WorkloadSummary {
  const count = (o: CommandOp['outcome']) => ops.filter((x) => x.outcome === o).length;
  const first = Math.min(...ops.map((o) => o.invoke.ms));
  const last = Math.max(...ops.map((o) => (o.complete ?? o.invoke).ms));
  const durationMs = ops.length ? last - first : 0;
  const counts = [...eventsPerStream.values()];
  const ok = count('ok');
  return {
    okShare: ops.length ? Math.round((ok / ops.length) * 1000) / 1000 : 0,
    ok,
    fail: count('fail'),
    unknown: count('unknown'),
    durationMs,
    okPerSecond: durationMs > 0 ? Math.round((ok / durationMs) * 10_000) / 10 : 0,
    streams: new Set(ops.map((o) => o.userId)).size,
    eventsPerStream: {
      mean: counts.length ? Math.round((counts.reduce((a, b) => a + b, 0) / counts.length) * 10) / 10 : 0,
      max: counts.length ? Math.max(...counts) : 0,
    },
  };
}

export function eventsPerStream(events: readonly { streamId: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of events) m.set(e.streamId, (m.get(e.streamId) ?? 0) + 1);
  return m;
}

/** The history's figures plus what only the workload knows (target rate, skipped sends, intents). */
export function withOpenLoop(w: WorkloadSummary, s: OpenLoopSummary): WorkloadSummary {
  return { ...w, rate: s.rate, skipped: s.skipped, byIntent: s.byIntent, surprises: s.surprises.count };
}
