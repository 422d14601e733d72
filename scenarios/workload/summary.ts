// What a workload run did, for the report: ops by outcome and by intent, the rate asked for and
// the rate achieved, the streams touched and how many events each got. Pure.
import type { Outcome } from '../history/types.ts';

export interface TalliedOp {
  userId: string;
  intent: string;
  outcome: Outcome;
  status?: number;
  predicted?: number;
}

export interface Tally {
  ops: TalliedOp[];
  skipped: number; // due but not sent: the in-flight bound was reached
}

type Counts = Record<Outcome, number>;

export interface WorkloadSummary {
  ops: Counts;
  sent: number;
  skipped: number;
  okShare: number; // ok / sent
  byIntent: Record<string, Counts>;
  /** Answered with a status other than the model predicted (contention, faults, or a bug). */
  surprises: { count: number; examples: { intent: string; predicted: number; status: number }[] };
  rate: { target: number; achieved: number }; // commands/s sent over the sending time
  sendingMs: number;
  drainMs: number; // waiting for in-flight commands after the stop
  streamsTouched: number; // streams with at least one ok command
  eventsPerStream: { mean: number; p50: number; p90: number; max: number };
}

const zero = (): Counts => ({ ok: 0, fail: 0, unknown: 0 });
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function summarize(t: Tally, timing: { rate: number; sendingMs: number; drainMs: number }): WorkloadSummary {
  const ops = zero();
  const byIntent: Record<string, Counts> = {};
  const perStream = new Map<string, number>();
  const examples: WorkloadSummary['surprises']['examples'] = [];
  let surprises = 0;
  for (const o of t.ops) {
    ops[o.outcome]++;
    (byIntent[o.intent] ??= zero())[o.outcome]++;
    // a resend writes nothing: only first sends are events
    if (o.outcome === 'ok' && o.intent !== 'resend') perStream.set(o.userId, (perStream.get(o.userId) ?? 0) + 1);
    if (o.predicted !== undefined && o.status !== undefined && o.outcome !== 'unknown' && o.status !== o.predicted) {
      surprises++;
      if (examples.length < 10) examples.push({ intent: o.intent, predicted: o.predicted, status: o.status });
    }
  }
  const counts = [...perStream.values()].sort((a, b) => a - b);
  const at = (p: number) => (counts.length ? counts[Math.min(counts.length - 1, Math.floor((p / 100) * counts.length))]! : 0);
  return {
    ops,
    sent: t.ops.length,
    skipped: t.skipped,
    okShare: t.ops.length ? round(ops.ok / t.ops.length, 3) : 0,
    byIntent,
    surprises: { count: surprises, examples },
    rate: { target: timing.rate, achieved: timing.sendingMs > 0 ? round(t.ops.length / (timing.sendingMs / 1000)) : 0 },
    sendingMs: Math.round(timing.sendingMs),
    drainMs: Math.round(timing.drainMs),
    streamsTouched: counts.length,
    eventsPerStream: {
      mean: counts.length ? round(counts.reduce((a, b) => a + b, 0) / counts.length) : 0,
      p50: at(50),
      p90: at(90),
      max: counts.at(-1) ?? 0,
    },
  };
}
