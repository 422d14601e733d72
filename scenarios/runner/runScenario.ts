// One scenario in one configuration, in phases: prepare (clean slate, system in the chosen modes)
// → run and heal (workload, observers and fault schedule together; heal; convergence watched
// while the workload keeps going) → observe (quiesce, final reads) → record (every file the
// judge reads, in the run directory) → judge (checkers, expectations, non-vacuity).
import { relative } from 'node:path';
import type { Scenario } from '../catalog/types.ts';
import { configurationLabel, expectationFor, type Expectation } from '../checkers/expectations.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { mayResend } from '../checkers/republished.ts';
import { hasTrait, traitsOf } from '../faults/registry.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { toOperations } from '../history/reader.ts';
import { writeRecord, type RunFacts, type ScenarioRecord } from '../record/scenarioRecord.ts';
import type { Sample } from '../record/types.ts';
import { passed, type ScenarioRunResult } from '../report/types.ts';
import type { Configuration } from '../../system/shared/modes.ts';
import type { RunnerDeps } from './deps.ts';
import { judge } from './judge.ts';
import { resolveTopology } from './topology.ts';
import { observe, type Observed } from './observe.ts';
import { prepare, type Prepared } from './prepare.ts';
import { runAndHeal, type RunOutcome } from './runPhase.ts';
import { eventsPerStream, summarizeWorkload, withOpenLoop } from './workloadSummary.ts';

/** What the reports read (ScenarioRunResult) plus what the runner keeps for timelines. */
export interface ScenarioResult extends ScenarioRunResult {
  ok: boolean;
  schedule: FaultSchedule;
  samples: Sample[];
  outDir: string;
}

export interface RunOptions {
  env: EnvAddresses;
  seed: number;
  outDir: string; // reports/<run>/<scenario>/<configuration>
  /** The run folder the record's path is given relative to in reports. */
  runDir?: string;
  log?: (line: string) => void;
  /** fast-check replay path, when the schedule came from a shrinking search. */
  path?: string;
  /** `none`: judge against the strongest guarantee whatever the configuration (every anomaly fails). */
  expect?: 'matrix' | 'none';
  /** Workload commands per second (`--rate`); default: the scenario's, else the workload's. */
  rate?: number;
  /** Background load (autocannon registrations) during the workload, besides the tracked commands. */
  load?: { rate?: number; durationS: number };
  /** Overrides the scenario's schedule (the shrinking search hands in candidates). */
  schedule?: FaultSchedule;
}

/** The projector's retry settings under test: a budget short enough for scenarios to outlast it. */
export const PROJECTOR_RETRY_BUDGET_MS = 5000;
export const PROJECTOR_RETRY_ENV = {
  PROJECTOR_RETRY_BUDGET_MS: String(PROJECTOR_RETRY_BUDGET_MS),
  PROJECTOR_BACKOFF_BASE_MS: '50',
  PROJECTOR_BACKOFF_MAX_MS: '1000',
};

/** Between the projector's stall threshold and the moment a sample can show its report: the
 *  progress check's interval (1 s), a slow tick, the sampler's period (same margin as the default 35 s for 30 s). */
const STALL_REPORT_MARGIN_MS = 5000;

/** The stall report bound for a scenario that sets its own PROJECTOR_STALL_AFTER_MS; else none (the checker's default). */
export function stallReportBoundOf(s: Pick<Scenario, 'systemEnv'>): number | undefined {
  const raw = s.systemEnv?.PROJECTOR_STALL_AFTER_MS;
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`PROJECTOR_STALL_AFTER_MS must be a positive integer of ms, got ${JSON.stringify(raw)}`);
  return ms + STALL_REPORT_MARGIN_MS;
}

export function replayCommand(
  scenario: string,
  c: Configuration,
  seed: number,
  path?: string,
  expect?: 'matrix' | 'none',
  rate?: number,
): string {
  return `npm run scenario -- ${scenario} --publish ${c.publish} --consume ${c.consume} --seed ${seed}${path ? ` --path ${path}` : ''}${expect === 'none' ? ' --expect none' : ''}${rate !== undefined ? ` --rate ${rate}` : ''}`;
}

export function expectationOf(s: Scenario, c: Configuration, schedule: FaultSchedule, expect?: 'matrix' | 'none'): Expectation {
  if (expect === 'none') return { required: [], allowed: [], why: 'asked for none (--expect none): every anomaly fails' };
  return expectationFor(c, {
    // an armed crash point kills its process just as a SIGKILL does
    crashes: s.crashes || schedule.some((f) => hasTrait(f.fault, 'crash-point')),
    // A second copy of a real event on the topic, whether put there on purpose or re-sent by the
    // publisher (the outbox publishes at least once): a mode without an inbox applies it again.
    injectsDuplicates:
      s.injectsDuplicates ?? schedule.some((f) => hasTrait(f.fault, 'copies-records') || mayResend(f.target, traitsOf(f.fault))),
    ...(s.expect ? { declared: s.expect } : {}),
  });
}

export function factsOf(s: Scenario, c: Configuration, o: RunOptions, p: Prepared, run: RunOutcome, seen: Observed): RunFacts {
  const ops = toOperations(p.recorder.entries());
  return {
    scenario: s.name,
    purpose: s.purpose,
    configuration: c,
    topology: resolveTopology(s.topology),
    seed: o.seed,
    ...(o.path ? { path: o.path } : {}),
    replay: replayCommand(s.name, c, o.seed, o.path, o.expect, o.rate),
    startedAt: new Date(p.startedAtMs).toISOString(),
    durationMs: Date.now() - p.startedAtMs,
    expectation: expectationOf(s, c, p.schedule, o.expect),
    convergence: seen.convergence,
    retryBudgetMs: PROJECTOR_RETRY_BUDGET_MS,
    ...(stallReportBoundOf(s) !== undefined ? { stallReportBoundMs: stallReportBoundOf(s)! } : {}),
    visibility: seen.visibility,
    workload: withOpenLoop(summarizeWorkload(ops, eventsPerStream(seen.final.write.events)), run.stats),
    ...(run.load ? { load: run.load } : {}),
    ...(seen.memory ? { memory: seen.memory.memory } : {}),
    errors: run.errors,
  };
}

export async function runScenario(s: Scenario, c: Configuration, o: RunOptions, deps: RunnerDeps): Promise<ScenarioResult> {
  const log = o.log ?? (() => undefined);
  log(`${s.name} [${configurationLabel(c)}] seed ${o.seed}: fresh system`);
  const p = await prepare(
    s,
    c,
    {
      env: o.env,
      seed: o.seed,
      outDir: o.outDir,
      systemEnv: PROJECTOR_RETRY_ENV,
      ...(o.path ? { path: o.path } : {}),
      ...(o.schedule ? { schedule: o.schedule } : {}),
    },
    deps,
  );
  let record: ScenarioRecord;
  try {
    const rate = o.rate ?? s.workload.rate;
    log(
      `  open-loop workload${rate ? ` at ${rate}/s` : ''} for ≥ ${s.workload.minMs} ms and ${s.workload.tailMs} ms past the heal; ${p.schedule.length} fault(s)`,
    );
    const run = await runAndHeal(
      s,
      p,
      { seed: o.seed, log, ...(rate !== undefined ? { rate } : {}), ...(o.load ? { load: o.load } : {}) },
      deps,
    );
    const w = run.stats;
    log(
      `  healed at ${run.lastHealMs} ms; ${w.ops.ok} ok (${Math.round(w.okShare * 100)} %), ${w.ops.fail} fail, ${w.ops.unknown} unknown, ${w.skipped} skipped; ${w.rate.achieved}/${w.rate.target} per s; ${w.streamsTouched} streams, events/stream mean ${w.eventsPerStream.mean} max ${w.eventsPerStream.max}; quiescing (bound ${s.convergenceBoundMs} ms)`,
    );
    const seen = await observe(s, p, run, deps);
    const samples = {
      startMs: seen.samplesStartMs,
      samples: seen.samples,
      telemetry: seen.telemetry,
      schedule: p.schedule,
      ...(seen.brokers ? { brokers: seen.brokers } : {}),
      ...(seen.memory ? { memory: seen.memory.samples } : {}),
    };
    record = { dir: o.outDir, facts: factsOf(s, c, o, p, run, seen), entries: [...p.recorder.entries()], final: seen.final, samples };
    writeRecord(o.outDir, record);
  } finally {
    p.recorder.close();
  }
  const result = judge(record, { felt: s.felt });
  return {
    ...result,
    ...(o.runDir ? { recordDir: relative(o.runDir, o.outDir) } : {}),
    ok: passed(result),
    schedule: p.schedule,
    samples: record.samples.samples,
    outDir: o.outDir,
  };
}
