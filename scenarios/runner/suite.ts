// Runs a list of (scenario, configuration) cells on one environment and writes the reports.
// The environment is brought up when it is not already; it is taken down at the end only if
// this run brought it up (and --keep-env was not given). Cells are grouped by the environment they
// need (broker count; `commands`' binary log for the cdc modes), which changes between groups.
// Interrupts heal before exiting.
import { runFolderName, type Shard } from './shard.ts';
import { writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { loadPoisonCases } from '../../fixtures/loader.ts';
import { configurationLabel } from '../checkers/expectations.ts';
import { getProvider } from '../environment/selectProvider.ts';
import type { ProviderName, SystemRuntime } from '../environment/settings.ts';
import { clearState, readState } from '../environment/state.ts';
import { stopSystem } from '../environment/system.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { PoisonRecord } from '../faults/nemesis.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import type { RunResult } from '../report/types.ts';
import { writeReports } from '../report/writeReports.ts';
import { liveDeps, type RunnerDeps } from './deps.ts';
import { emergencyHeal, environmentUp } from './environmentUp.ts';
import { groupByEnvironment } from './brokerGroups.ts';
import { hasBinlog } from '../environment/binlog.ts';
import type { Cell } from './matrix.ts';
import { runRandomSchedule } from './randomSearch.ts';
import { runScenario, type RunOptions, type ScenarioResult } from './runScenario.ts';
import { RUN_INDEX_FILE, runIndexOf } from './runIndex.ts';

export interface SuiteOptions {
  seed: number;
  path?: string;
  profile?: string;
  keepEnv?: boolean;
  brokers?: number;
  shrinkBudgetMs: number;
  load?: { rate?: number; durationS: number };
  /** Workload commands per second, for every scenario (`--rate`). */
  rate?: number;
  expect?: 'matrix' | 'none';
  /** search scenarios: how many generated schedules to try before a failure (each is a real run). */
  runs?: number;
  log: (line: string) => void;
  onResult?: (r: ScenarioResult) => void;
  /** The environment to bring up when none runs (default: the FAULTLINE_PROVIDER setting, else auto). */
  provider?: ProviderName;
  /** Where the system's processes run (default: the FAULTLINE_SYSTEM setting). */
  system?: SystemRuntime;
  /** The slice of a sharded run: its run folder says which, so shards side by side never share one. */
  shard?: Shard;
}

export interface SuiteOutcome {
  run: RunResult;
  results: ScenarioResult[];
  dir: string;
  files: string[];
  /** Set when the environment outlives the run: why, and how to stop it (the CLIs print it last). */
  envLeftUp?: string;
}

export function poisonRecordsFromFixtures(): (name: string) => PoisonRecord[] {
  const cases = new Map(loadPoisonCases().map((c) => [c.name, c]));
  return (name) => {
    const c = cases.get(name);
    if (!c) throw new Error(`unknown poison case ${name}; fixtures/poison has: ${[...cases.keys()].join(', ')}`);
    return [{ key: c.key, value: c.value, headers: c.headers }];
  };
}

/** One cell: a search scenario runs fast-check's search, any other one a single run. */
export async function runCell(cell: Cell, runOpts: RunOptions, o: SuiteOptions, deps: RunnerDeps): Promise<ScenarioResult> {
  if (!cell.scenario.search) return runScenario(cell.scenario, cell.configuration, runOpts, deps);
  const s = await runRandomSchedule(
    cell.scenario,
    cell.configuration,
    { ...runOpts, shrinkBudgetMs: o.shrinkBudgetMs, ...(o.runs ? { runs: o.runs } : {}) },
    (schedule, outDir) => runScenario(cell.scenario, cell.configuration, { ...runOpts, schedule, outDir }, deps),
  );
  if (!s.result.ok)
    o.log(
      `  shrunk in ${(s.shrinkMs / 1000).toFixed(1)} s over ${s.tries} real runs to ${s.result.schedule.length} fault(s)${s.truncated ? ' (shrink budget reached: a smaller one may exist)' : ''}`,
    );
  return s.result;
}

export function harnessFailure(cell: Cell, seed: number, outDir: string, err: Error, now: number): ScenarioResult {
  const verdict = { ok: false, found: [], expected: [], excused: [], unexpected: [], missing: [], checkerErrors: [] };
  return {
    scenario: cell.scenario.name,
    purpose: cell.scenario.purpose,
    configuration: cell.configuration,
    startedAt: new Date(now).toISOString(),
    durationMs: 0,
    seed,
    ops: { ok: 0, fail: 0, unknown: 0 },
    expectation: { required: [], allowed: [] },
    verdict,
    checks: [],
    error: err.message,
    ok: false,
    schedule: [],
    samples: [],
    outDir,
  };
}

async function runOne(cell: Cell, env: EnvAddresses, dir: string, o: SuiteOptions, deps: RunnerDeps): Promise<ScenarioResult> {
  const outDir = join(dir, cell.scenario.name, configurationLabel(cell.configuration).replace('/', '+'));
  const runOpts: RunOptions = {
    env,
    seed: o.seed,
    outDir,
    runDir: dir,
    log: o.log,
    ...(o.path ? { path: o.path } : {}),
    ...(o.load ? { load: o.load } : {}),
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    ...(o.expect ? { expect: o.expect } : {}),
  };
  try {
    return await runCell(cell, runOpts, o, deps);
  } catch (err) {
    await emergencyHeal(env);
    o.log(`  harness error: ${(err as Error).message}`);
    return harnessFailure(cell, o.seed, outDir, err as Error, Date.now());
  }
}

export async function runSuite(
  cells: Cell[],
  o: SuiteOptions,
  makeDeps: () => RunnerDeps = () => liveDeps(poisonRecordsFromFixtures(), o.system),
): Promise<SuiteOutcome> {
  const runId = runFolderName(new Date(), o.seed, o.shard);
  const dir = join(PROJECT_ROOT, 'reports', runId);
  const startedAt = new Date().toISOString();
  let env: EnvAddresses | undefined;
  let envLeftUp: string | undefined;
  let broughtUp = false;
  const onSignal = (sig: NodeJS.Signals) => {
    o.log(`\n${sig}: healing every link and stopping the system before exiting…`);
    void emergencyHeal(env)
      .then(() => stopSystem())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: ScenarioResult[] = [];
  try {
    const deps = makeDeps();
    let i = 0;
    let hadEnv: boolean | undefined;
    const running = readState();
    const current = running ? { brokers: running.kafka.brokers, binlog: hasBinlog(running) } : undefined;
    for (const group of groupByEnvironment(cells, o.brokers ?? 1, current)) {
      let up: Awaited<ReturnType<typeof environmentUp>>;
      try {
        up = await environmentUp(o.log, { brokers: group.brokers, binlog: group.binlog }, o.provider);
      } catch (err) {
        // An environment this provider cannot give (three brokers or a binary log in containers):
        // its cells fail with the reason, the other groups still run.
        o.log(`[env] cannot run ${group.cells.length} cell(s) here: ${(err as Error).message}`);
        for (const cell of group.cells) {
          i++;
          const outDir = join(dir, cell.scenario.name, configurationLabel(cell.configuration).replace('/', '+'));
          const r = harnessFailure(cell, o.seed, outDir, err as Error, Date.now());
          results.push(r);
          o.onResult?.(r);
        }
        continue;
      }
      env = up.env;
      // Taken down at the end only if no environment was running before this suite (one re-sized
      // for a group stays, at its new size, as the user's).
      hadEnv ??= !up.broughtUp || up.replaced === true;
      broughtUp = !hadEnv;
      for (const cell of group.cells) {
        i++;
        o.log(`\n(${i}/${cells.length}) ${cell.scenario.name} [${configurationLabel(cell.configuration)}]: ${cell.scenario.purpose}`);
        const r = await runOne(cell, env, dir, o, deps);
        results.push(r);
        o.onResult?.(r);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (env) {
      await emergencyHeal(env);
      if (broughtUp && !o.keepEnv) {
        await stopSystem();
        await (await getProvider(env.provider)).down();
        clearState();
        o.log('[env] down');
      } else {
        envLeftUp = `the environment is still up (${broughtUp ? '--keep-env' : 'it was up before this run'}): \`npm run env -- down\` stops it`;
      }
    }
  }
  const run: RunResult = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    ...(o.profile ? { profile: o.profile } : {}),
    machine: { cpus: cpus().length, host: hostname(), node: process.version },
    results: results.map(({ samples: _s, outDir: _o, ok: _ok, schedule: _sc, ...rest }) => rest),
  };
  writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(runIndexOf(run), null, 2) + '\n');
  const files = writeReports(dir, run);
  return { run, results, dir, files, ...(envLeftUp ? { envLeftUp } : {}) };
}
