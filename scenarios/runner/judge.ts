// The judge phase: a pure function of a scenario record (the run directory's files). The runner
// calls it right after a run, and `npm run check` calls it again on a stored run, so both give
// the same verdicts from the same files.
import { loadMetricContract } from '../../fixtures/loader.ts';
import { composeCheckers } from '../checkers/compose.ts';
import { compareWithExpectation } from '../checkers/expectations.ts';
import type { CheckInput, Checker, PoisonInjection } from '../checkers/types.ts';
import { toFaultWindows, toOperations } from '../history/reader.ts';
import type { CrashEntry, HistoryEntry, InjectionEntry, ReadEntry } from '../history/types.ts';
import type { Felt, Observations } from '../catalog/types.ts';
import type { ScenarioRecord } from '../record/scenarioRecord.ts';
import type { ScenarioRunResult } from '../report/types.ts';
import { hasTrait } from '../faults/registry.ts';
import { scheduleDrift, type ScheduledFault } from './drift.ts';

/** Kinds whose windows start and heal with one proxy call: their timing is the schedule's. */
const onLink = (fault: string) => hasTrait(fault, 'on-link');

const ofType = <T extends HistoryEntry['type']>(entries: readonly HistoryEntry[], type: T) =>
  entries.filter((e): e is Extract<HistoryEntry, { type: T }> => e.type === type);

/** Poison injections: the history's `inject` entries, its only source. */
export function poisonOf(record: ScenarioRecord): PoisonInjection[] {
  return ofType(record.entries, 'inject')
    .filter((e) => e.what === 'poison' && e.poisonId !== undefined)
    .map((e): PoisonInjection => ({
      poisonId: e.poisonId!,
      case: e.case ?? '',
      partition: e.partition,
      offset: e.offset,
      ...(e.eventId ? { eventId: e.eventId } : {}),
    }));
}

/** Everything the checkers read, from the record alone. */
export function checkInputOf(record: ScenarioRecord): CheckInput {
  const { entries, final, facts } = record;
  return {
    history: toOperations(entries),
    faults: toFaultWindows(entries),
    write: final.write,
    read: final.read,
    topics: final.topics,
    poison: poisonOf(record),
    injections: ofType(entries, 'inject') as InjectionEntry[],
    reads: ofType(entries, 'read') as ReadEntry[],
    pages: ofType(entries, 'page'),
    crashes: ofType(entries, 'crash') as CrashEntry[],
    telemetry: record.samples.telemetry,
    metricSamples: record.samples.samples,
    metricContract: loadMetricContract(),
    ...(record.samples.brokers ? { cluster: record.samples.brokers } : {}),
    convergence: facts.convergence,
    retryBudgetMs: facts.retryBudgetMs,
    consumeMode: facts.configuration.consume,
    publishMode: facts.configuration.publish,
    ...(facts.stallReportBoundMs !== undefined ? { stallReportBoundMs: facts.stallReportBoundMs } : {}),
  };
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

export interface JudgeOptions {
  felt: readonly Felt[];
  /** Defaults to every checker. */
  checkers?: readonly Checker[];
}

export function judge(record: ScenarioRecord, o: JudgeOptions): ScenarioRunResult {
  const input = checkInputOf(record);
  const checked = composeCheckers(o.checkers)(input);
  const { facts } = record;
  const verdict = compareWithExpectation(checked.anomalies, facts.expectation, { results: checked.results });
  const observations: Observations = {
    samples: record.samples.samples,
    samplerStartMs: record.samples.startMs,
    ops: input.history,
    faults: input.faults,
    final: record.final,
    poisoned: input.poison,
    history: record.entries,
    telemetry: record.samples.telemetry,
    ...(record.samples.brokers ? { brokers: record.samples.brokers } : {}),
  };
  const { lastHealMs, convergedAtMs } = facts.convergence;
  const result: ScenarioRunResult = {
    scenario: facts.scenario,
    ...(facts.purpose ? { purpose: facts.purpose } : {}),
    configuration: facts.configuration,
    ...(facts.topology ? { topology: facts.topology } : {}),
    startedAt: facts.startedAt,
    durationMs: facts.durationMs,
    seed: facts.seed,
    ...(facts.path ? { path: facts.path } : {}),
    replay: facts.replay,
    ops: { ok: count(input, 'ok'), fail: count(input, 'fail'), unknown: count(input, 'unknown') },
    faults: [...input.faults],
    expectation: facts.expectation,
    verdict,
    checks: checked.results,
    convergenceMs: convergedAtMs === null ? null : Math.max(0, convergedAtMs - lastHealMs),
    ...(facts.visibility ? { visibility: facts.visibility } : {}),
    ...(facts.workload ? { workload: facts.workload } : {}),
    ...(facts.load ? { load: facts.load as NonNullable<ScenarioRunResult['load']> } : {}),
    ...(facts.memory ? { memory: facts.memory } : {}),
    scheduleDrift: scheduleDrift((record.samples.schedule ?? []) as ScheduledFault[], input.faults, onLink),
    nonVacuity: o.felt.map((f) => ({ claim: f.describe, observed: safe(() => f.check(observations)) })),
    ...(facts.errors.length ? { error: facts.errors.join('; ') } : {}),
  };
  return result;
}

const count = (input: CheckInput, outcome: 'ok' | 'fail' | 'unknown') => input.history.filter((op) => op.outcome === outcome).length;
