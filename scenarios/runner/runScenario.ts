// One scenario in one configuration: clean slate → system in the chosen modes → workload and
// fault schedule together → heal → quiesce → final reads → checkers → verdict. The nemesis
// heals in a `finally`, so links and processes are restored even when the harness fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { composeCheckers } from '../checkers/compose.ts';
import { compareWithExpectation, configurationLabel, expectationFor, type Configuration } from '../checkers/expectations.ts';
import { passed, type ScenarioRunResult } from '../report/types.ts';
import type { CheckInput } from '../checkers/types.ts';
import { startSystem, wipeSystemState } from '../environment/system.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { createNemesis, playSchedule, type PoisonRecord } from '../faults/nemesis.ts';
import { scheduleEnd } from '../faults/schedule.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { createClock } from '../history/clock.ts';
import { toFaultWindows, toOperations } from '../history/reader.ts';
import { createRecorder, fileSink } from '../history/recorder.ts';
import type { Felt, Scenario } from '../catalog/types.ts';
import { workloadArb } from '../workload/arbitraries.ts';
import { createCommandClient } from '../workload/httpClient.ts';
import { runWorkload, type WorkloadStats } from '../workload/runWorkload.ts';
import { readFinalState } from './finalState.ts';
import { quiesce } from './quiesce.ts';
import { createVisibilityProbe } from './visibility.ts';
import { runLoad, type LoadResult } from '../load/runLoad.ts';
import { saveFinalState } from '../report/html/finalStateFile.ts';
import { startSampler, type Sample } from './sampler.ts';

/** What the reports read (ScenarioRunResult) plus what the runner keeps for timelines. */
export interface ScenarioResult extends ScenarioRunResult {
  ok: boolean;
  schedule: FaultSchedule;
  samples: Sample[];
  /** History-clock ms when the sampler started: lines samples up with the history. */
  samplerStartMs: number;
  outDir: string;
}

export interface RunOptions {
  env: EnvAddresses;
  seed: number;
  outDir: string; // reports/<run>/<scenario>/<configuration>
  poisonRecords: (caseName: string) => PoisonRecord[];
  log?: (line: string) => void;
  /** fast-check replay path, when the schedule came from a shrinking search. */
  path?: string;
  /**
   * `none`: judge against the strongest guarantee whatever the configuration (every anomaly fails),
   * e.g. to let random-schedule search for the smallest schedule that breaks a weaker mode.
   */
  expect?: 'matrix' | 'none';
  /** Background load (autocannon registrations) during the workload, besides the tracked commands. */
  load?: { rate?: number; durationS: number };
  /** Overrides the scenario's schedule (the shrinking search hands in candidates). */
  schedule?: FaultSchedule;
  /** Projector retry budget given to the system (ms), also used by the `misrouted` checker. */
  retryBudgetMs?: number;
}

/** The projector's retry settings under test: a budget short enough for scenarios to outlast it. */
export const PROJECTOR_RETRY_BUDGET_MS = 5000;
export const PROJECTOR_RETRY_ENV = {
  PROJECTOR_RETRY_BUDGET_MS: String(PROJECTOR_RETRY_BUDGET_MS), PROJECTOR_BACKOFF_BASE_MS: '50', PROJECTOR_BACKOFF_MAX_MS: '1000',
};

export function replayCommand(scenario: string, c: Configuration, seed: number, path?: string, expect?: 'matrix' | 'none'): string {
  return `npm run scenario -- ${scenario} --publish ${c.publish} --consume ${c.consume} --seed ${seed}${path ? ` --path ${path}` : ''}${expect === 'none' ? ' --expect none' : ''}`;
}

export async function runScenario(s: Scenario, config: Configuration, opts: RunOptions): Promise<ScenarioResult> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const errors: string[] = [];
  mkdirSync(opts.outDir, { recursive: true });
  const clock = createClock();
  const recorder = createRecorder({ sink: fileSink(join(opts.outDir, 'history.jsonl')), clock });
  // In dual-write no relay runs: a fault aimed at it would only be a nemesis error.
  const schedule = (opts.schedule ?? s.schedule({ seed: opts.seed })).filter((f) => !(config.publish === 'dual-write' && f.target === 'relay'));
  recorder.meta({ scenario: s.name, configuration: { publish: config.publish, consume: config.consume }, seed: opts.seed });

  log(`${s.name} [${configurationLabel(config)}] seed ${opts.seed}: fresh system`);
  await wipeSystemState(opts.env);
  const env = await startSystem(opts.env, {
    publishMode: config.publish, consumeMode: config.consume, env: { ...PROJECTOR_RETRY_ENV, ...s.systemEnv },
  });
  const urls = env.system!;
  const samplerStartMs = clock().ms;
  const sampler = startSampler(urls);
  const nemesis = createNemesis({ env, recorder, poisonRecords: opts.poisonRecords, log: (l) => log(`  ${l}`) });

  const users = Array.from({ length: s.workload.users }, () => crypto.randomUUID());
  const [perClient] = fc.sample(workloadArb({ users, clients: s.workload.clients, maxLengthPerClient: s.workload.opsPerClient, weights: s.workload.weights ?? { register: 1, rename: 8, delete: 1 } }), { seed: opts.seed, numRuns: 1 });
  const client = createCommandClient({ baseUrl: urls.commandService, timeoutMs: s.workload.clientTimeoutMs ?? 3000, attempts: s.workload.clientAttempts ?? 3 });

  const probe = createVisibilityProbe({ queryApi: urls.queryApi, now: () => clock().ms });
  let stats: WorkloadStats = { sent: 0, ok: 0, fail: 0, unknown: 0 };
  let load: LoadResult | undefined;
  let lastHealMs = 0;
  try {
    log(`  workload: ${perClient!.flat().length} commands from ${s.workload.clients} clients over ~${s.workload.spreadMs} ms; ${schedule.length} fault(s) until ${scheduleEnd(schedule)} ms`);
    const loadRun = opts.load
      ? runLoad({ url: urls.commandService, durationS: opts.load.durationS, ...(opts.load.rate ? { rate: opts.load.rate } : {}) })
        .then((r) => { load = r; }, (err: Error) => { errors.push(`load: ${err.message}`); })
      : Promise.resolve();
    const [w, faultErrors] = await Promise.all([
      runWorkload({ perClient: perClient!, client, recorder, spreadMs: s.workload.spreadMs, onOk: (c, v) => probe.observe(c.userId, v, clock().ms) }),
      playSchedule(schedule, nemesis),
    ]);
    stats = w;
    errors.push(...faultErrors);
    await loadRun;
  } catch (err) {
    errors.push(`harness: ${(err as Error).message}`);
  } finally {
    await nemesis.healAll();
    lastHealMs = clock().ms;
  }
  log(`  healed; ${stats.ok} ok, ${stats.fail} fail, ${stats.unknown} unknown; quiescing (bound ${s.convergenceBoundMs} ms)`);
  const quiesceDeadlineMs = Math.round(s.convergenceBoundMs * 1.5);
  const [convergedAtMs, visibility] = await Promise.all([
    quiesce(env, { deadlineMs: quiesceDeadlineMs, now: () => clock().ms }),
    probe.settle(clock().ms + quiesceDeadlineMs),
  ]);
  const samples = sampler.stop();
  const final = await readFinalState(env);
  recorder.close();

  const entries = recorder.entries();
  const ops = toOperations(entries);
  const faults = toFaultWindows(entries);
  const input: CheckInput = {
    history: ops, faults, write: final.write, read: final.read, topics: final.topics, poison: nemesis.poisoned,
    convergence: { lastHealMs, convergedAtMs, boundMs: s.convergenceBoundMs },
    retryBudgetMs: opts.retryBudgetMs ?? PROJECTOR_RETRY_BUDGET_MS,
  };
  const checked = composeCheckers()(input);
  saveFinalState(opts.outDir, final, checked.anomalies);
  const expectation = opts.expect === 'none'
    ? { required: [], allowed: [], why: 'asked for none (--expect none): every anomaly fails' }
    : expectationFor(config, s.name, { crashes: s.crashes, injectsDuplicates: schedule.some((f) => f.fault === 'duplicate') });
  const verdict = compareWithExpectation(checked.anomalies, expectation, { results: checked.results });
  const observations = { samples, samplerStartMs, ops, faults, final, poisoned: nemesis.poisoned };
  const felt = s.felt.map((f: Felt) => ({ describe: f.describe, ok: safe(() => f.check(observations)) }));
  const result: ScenarioResult = {
    scenario: s.name, purpose: s.purpose, configuration: config, startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started, seed: opts.seed, ...(opts.path ? { path: opts.path } : {}),
    replay: replayCommand(s.name, config, opts.seed, opts.path, opts.expect),
    ops: { ok: stats.ok, fail: stats.fail, unknown: stats.unknown }, faults, expectation, verdict, checks: checked.results,
    convergenceMs: convergedAtMs === null ? null : Math.max(0, convergedAtMs - lastHealMs),
    visibility,
    ...(load ? { load } : {}),
    nonVacuity: felt.map((x) => ({ claim: x.describe, observed: x.ok })),
    ...(errors.length ? { error: errors.join('; ') } : {}),
    ok: false, schedule, samples, samplerStartMs, outDir: opts.outDir,
  };
  result.ok = passed(result);
  return result;
}

function safe(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}
