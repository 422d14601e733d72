// Run and heal: the workload, the observers and the fault schedule start together. When the
// schedule has played, the nemesis heals everything (Jepsen's final generator) and convergence
// is watched from that moment while the workload keeps running past it. The nemesis also heals
// when anything here fails, so links and processes are restored whatever happened.
import type { Scenario } from '../catalog/types.ts';
import type { LoadResult } from '../load/runLoad.ts';
import { summarize, type WorkloadSummary } from '../workload/summary.ts';
import { watchConvergence } from './convergence.ts';
import type { Observers, RunnerDeps } from './deps.ts';
import type { Prepared } from './prepare.ts';

export interface RunPhaseOptions {
  seed: number;
  /** Workload commands per second (`--rate`); default: the scenario's, else the workload's. */
  rate?: number;
  load?: { rate?: number; durationS: number };
  log: (line: string) => void;
}

export interface RunOutcome {
  stats: WorkloadSummary;
  errors: string[];
  lastHealMs: number;
  /** History-clock ms when the read side reached the write side's state at the heal; null: not in time. */
  caughtUp: Promise<number | null>;
  /** Set when the run can no longer converge: the catch-up watch then stops waiting. */
  cut: { short: boolean };
  observers: Observers;
  load?: LoadResult;
}

export async function runAndHeal(s: Scenario, p: Prepared, o: RunPhaseOptions, deps: RunnerDeps): Promise<RunOutcome> {
  const now = () => p.clock().ms;
  const errors: string[] = [];
  const observers = deps.startObservers({ env: p.env, urls: p.urls, recorder: p.recorder, now });
  const nemesis = deps.createNemesis({ env: p.env, recorder: p.recorder, log: (l) => o.log(`  ${l}`) });
  let load: LoadResult | undefined;
  const loadRun = o.load
    ? deps.runLoad({ url: p.urls.commandService, durationS: o.load.durationS, ...(o.load.rate ? { rate: o.load.rate } : {}) }).then(
        (r) => {
          load = r;
        },
        (err: Error) => {
          errors.push(`load: ${err.message}`);
        },
      )
    : Promise.resolve();
  const stop = new AbortController();
  const workloadStartMs = now();
  const workload = deps.runWorkload({
    scenario: s,
    seed: o.seed,
    urls: p.urls,
    recorder: p.recorder,
    signal: stop.signal,
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    onOk: (id, v) => observers.okCommand(id, v, now()),
    onHot: (hot) => observers.hotStreams(hot),
  });
  let lastHealMs = 0;
  let caughtUp: Promise<number | null> = Promise.resolve(null);
  const cut = { short: false };
  try {
    errors.push(...(await deps.playSchedule(p.schedule, nemesis)));
  } catch (err) {
    errors.push(`nemesis: ${(err as Error).message}`);
  } finally {
    await nemesis.healAll();
    lastHealMs = now();
    caughtUp = watchConvergence(
      { writeVersions: () => deps.writeVersions(p.env), readVersions: () => deps.readVersions(p.env) },
      { deadlineMs: lastHealMs + Math.round(s.convergenceBoundMs * 1.5), now, giveUp: () => cut.short },
    );
  }
  // The workload keeps going past the heal (convergence under load), and runs a minimum time.
  const stopAtMs = Math.max(workloadStartMs + s.workload.minMs, lastHealMs + s.workload.tailMs);
  await sleepUntil(stopAtMs, now, workload);
  stop.abort();
  let stats: WorkloadSummary = summarize({ ops: [], skipped: 0 }, { rate: 0, sendingMs: 0, drainMs: 0 });
  try {
    stats = await workload;
  } catch (err) {
    errors.push(`workload: ${(err as Error).message}`);
  }
  await loadRun;
  return { stats, errors, lastHealMs, caughtUp, cut, observers, ...(load ? { load } : {}) };
}

/** Waits until `atMs` on the history clock, or until `done` settles (a workload that failed early). */
async function sleepUntil(atMs: number, now: () => number, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  while (!finished && now() < atMs) await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, atMs - now()))));
}
