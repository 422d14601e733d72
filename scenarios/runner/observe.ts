// Observe phase, after the workload ended: wait for convergence from the last heal, for the whole
// read model to equal the fold of the write side (quiesce), stop the observers, and read the full
// final state of both databases and both topics.
import type { Scenario } from '../catalog/types.ts';
import type { ConvergenceInput, TelemetrySample } from '../checkers/types.ts';
import type { VisibilityStats } from '../record/scenarioRecord.ts';
import { watchStuck } from './stuck.ts';
import type { BrokerSample, FinalState, Sample } from '../record/types.ts';
import type { MemorySample, RunMemory } from '../record/memory.ts';
import type { RunnerDeps } from './deps.ts';
import type { Prepared } from './prepare.ts';
import type { RunOutcome } from './runPhase.ts';

export interface Observed {
  convergence: ConvergenceInput;
  final: FinalState;
  samples: Sample[];
  samplesStartMs: number;
  telemetry: TelemetrySample[];
  visibility: VisibilityStats;
  brokers?: BrokerSample[];
  memory?: { samples: MemorySample[]; memory: RunMemory };
}

/**
 * Converged = the read side caught up with the state at the heal AND later equalled the fold of
 * every write-side event; null when either did not happen within the scenario's bound × 1.5.
 */
/** Idle this long after the workload (nothing to publish or consume, read model unchanged) = stuck. */
export const STUCK_IDLE_MS = 3_000;

export function convergedAt(caughtUpMs: number | null, quiescedMs: number | null): number | null {
  if (quiescedMs === null) return null;
  return caughtUpMs ?? quiescedMs;
}

export async function observe(s: Scenario, p: Prepared, run: RunOutcome, deps: RunnerDeps): Promise<Observed> {
  const now = () => p.clock().ms;
  const deadlineMs = Math.round(s.convergenceBoundMs * 1.5);
  // The workload has stopped: once nothing is pending and the read model stands still, the
  // outcome is settled, and every wait below ends instead of running out the bound.
  const progress = deps.progress(p.env);
  const stuck = watchStuck(() => progress.read(), { idleMs: STUCK_IDLE_MS, now });
  const giveUp = () => {
    if (stuck.stuck()) run.cut.short = true;
    return run.cut.short;
  };
  const [caughtUpMs, quiescedMs, stopped] = await Promise.all([
    run.caughtUp,
    deps.quiesce(p.env, { deadlineMs, now, giveUp }),
    run.observers.stop(now() + deadlineMs, giveUp),
  ]).finally(async () => {
    await stuck.stop();
    await progress.close();
  });
  // After quiescence nothing is applied any more: the counters of this sample are final, and the
  // applied rows read next are what they counted.
  const last = await run.observers.finalSample();
  const final = await deps.readFinalState(p.env);
  return {
    convergence: { lastHealMs: run.lastHealMs, convergedAtMs: convergedAt(caughtUpMs, quiescedMs), boundMs: s.convergenceBoundMs },
    final,
    samples: [...stopped.samples, last],
    samplesStartMs: stopped.samplesStartMs,
    telemetry: stopped.telemetry,
    visibility: stopped.visibility,
    ...(stopped.brokers ? { brokers: stopped.brokers } : {}),
    ...(stopped.memory ? { memory: stopped.memory } : {}),
  };
}
