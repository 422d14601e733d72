// Observe phase, after the workload ended: wait for convergence from the last heal, for the whole
// read model to equal the fold of the write side (quiesce), stop the observers, and read the full
// final state of both databases and both topics.
import type { Scenario } from '../catalog/types.ts';
import type { ConvergenceInput, TelemetrySample } from '../checkers/types.ts';
import type { VisibilityStats } from '../record/scenarioRecord.ts';
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
export function convergedAt(caughtUpMs: number | null, quiescedMs: number | null): number | null {
  if (quiescedMs === null) return null;
  return caughtUpMs ?? quiescedMs;
}

export async function observe(s: Scenario, p: Prepared, run: RunOutcome, deps: RunnerDeps): Promise<Observed> {
  const now = () => p.clock().ms;
  const deadlineMs = Math.round(s.convergenceBoundMs * 1.5);
  const [caughtUpMs, quiescedMs, stopped] = await Promise.all([
    run.caughtUp,
    deps.quiesce(p.env, { deadlineMs, now }),
    run.observers.stop(now() + deadlineMs),
  ]);
  const final = await deps.readFinalState(p.env);
  return {
    convergence: { lastHealMs: run.lastHealMs, convergedAtMs: convergedAt(caughtUpMs, quiescedMs), boundMs: s.convergenceBoundMs },
    final,
    samples: stopped.samples,
    samplesStartMs: stopped.samplesStartMs,
    telemetry: stopped.telemetry,
    visibility: stopped.visibility,
    ...(stopped.brokers ? { brokers: stopped.brokers } : {}),
    ...(stopped.memory ? { memory: stopped.memory } : {}),
  };
}
