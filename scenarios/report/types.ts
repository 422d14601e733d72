// The run result the runner hands to the report writers. Writers are pure: result → text.
import type { Anomaly, CheckResult } from '../checkers/types.ts';
import type { Expectation, ExpectationVerdict } from '../checkers/expectations.ts';
import type { Configuration } from '../../system/shared/modes.ts';
import type { FaultWindow } from '../history/types.ts';
import type { LoadResult } from '../load/summary.ts';
import type { RunMemory } from '../record/memory.ts';
import type { VisibilityStats, WorkloadSummary } from '../record/scenarioRecord.ts';

export interface NonVacuityClaim {
  claim: string; // what the fault must visibly do, e.g. "outbox backlog grew"
  observed: boolean;
  detail?: string;
}

export interface ScenarioRunResult {
  scenario: string;
  purpose?: string;
  configuration: Configuration;
  /** Brokers, relay and projector instances, partitions (absent in records from before topologies). */
  topology?: { brokers: number; relays: number; projectors: number; partitions: number };
  startedAt: string; // ISO-8601
  durationMs: number;
  seed?: number;
  path?: string; // fast-check replay path
  replay?: string; // the command line that replays it
  ops: { ok: number; fail: number; unknown: number };
  faults?: FaultWindow[];
  expectation: Expectation;
  verdict: ExpectationVerdict;
  checks: CheckResult[]; // per checker; anomalies are read from here
  convergenceMs?: number | null; // null: did not converge within quiesce
  /** autocannon's view of background load during the run, when there was any. */
  load?: LoadResult;
  /** Ack → visible in the query API, over the sampled ok commands (ms). */
  visibility?: VisibilityStats;
  /** The workload's rate, streams touched and events per stream. */
  workload?: WorkloadSummary;
  /** Peak resident memory of the environment's processes over the run, or why it was not measured. */
  memory?: RunMemory;
  /** The scenario record's folder, relative to the run folder. */
  recordDir?: string;
  nonVacuity?: NonVacuityClaim[];
  /** How late or long the fault windows were against the schedule (an overloaded machine plays it loosely). */
  scheduleDrift?: { maxMs: number; worst?: string };
  error?: string; // the harness itself failed (environment, nemesis, client)
}

export interface RunResult {
  runId: string;
  startedAt: string;
  finishedAt: string;
  profile?: string;
  machine?: { cpus?: number; host?: string; node?: string };
  results: ScenarioRunResult[];
}

export function anomaliesOf(r: ScenarioRunResult): Anomaly[] {
  return r.checks.flatMap((c) => c.anomalies);
}

/** Why a result failed, or [] if it passed: unexpected anomaly, missing required one, vacuity, error. */
export function failureReasons(r: ScenarioRunResult): string[] {
  const out: string[] = [];
  if (r.error) out.push(`harness error: ${r.error}`);
  if (r.verdict.unexpected.length) out.push(`unexpected: ${r.verdict.unexpected.join(', ')}`);
  if (r.verdict.missing.length) out.push(`missing required: ${r.verdict.missing.join(', ')}`);
  for (const e of r.verdict.checkerErrors) out.push(`checker error: ${e}`);
  for (const c of r.nonVacuity ?? []) if (!c.observed) out.push(`fault never felt: ${c.claim}`);
  return out;
}

/** Drift this large changes what a schedule means (an outage outlasting a retry budget, a gap gone). */
const NOTABLE_DRIFT_MS = 1000;

/** Things to read a verdict with, which do not change it. */
export function cautions(r: ScenarioRunResult): string[] {
  const d = r.scheduleDrift;
  return d && d.maxMs >= NOTABLE_DRIFT_MS
    ? [`the fault schedule drifted by up to ${(d.maxMs / 1000).toFixed(1)} s (${d.worst ?? 'windows late'}): was the machine overloaded?`]
    : [];
}

export function passed(r: ScenarioRunResult): boolean {
  return failureReasons(r).length === 0;
}
