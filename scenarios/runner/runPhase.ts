// Run and heal: the workload, the observers and the fault schedule start together. When the
// schedule has played, the nemesis heals everything (Jepsen's final generator) and convergence
// is watched from that moment while the workload keeps running past it. The nemesis also heals
// when anything here fails, so links and processes are restored whatever happened.
import type { Scenario } from '../catalog/types.ts';
import type { PoisonInjection } from '../checkers/types.ts';
import type { LoadResult } from '../load/runLoad.ts';
import type { WorkloadStats } from '../workload/runWorkload.ts';
import { watchConvergence } from './convergence.ts';
import type { Observers, RunnerDeps } from './deps.ts';
import type { Prepared } from './prepare.ts';

export interface RunPhaseOptions {
  seed: number;
  load?: { rate?: number; durationS: number };
  log: (line: string) => void;
}

export interface RunOutcome {
  stats: WorkloadStats;
  errors: string[];
  lastHealMs: number;
  /** History-clock ms when the read side reached the write side's state at the heal; null: not in time. */
  caughtUp: Promise<number | null>;
  observers: Observers;
  poisoned: readonly PoisonInjection[];
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
  const workload = deps.runWorkload({
    scenario: s,
    seed: o.seed,
    urls: p.urls,
    recorder: p.recorder,
    onOk: (id, v) => observers.okCommand(id, v, now()),
  });
  let lastHealMs = 0;
  let caughtUp: Promise<number | null> = Promise.resolve(null);
  try {
    errors.push(...(await deps.playSchedule(p.schedule, nemesis)));
  } catch (err) {
    errors.push(`nemesis: ${(err as Error).message}`);
  } finally {
    await nemesis.healAll();
    lastHealMs = now();
    caughtUp = watchConvergence(
      { writeVersions: () => deps.writeVersions(p.env), readVersions: () => deps.readVersions(p.env) },
      { deadlineMs: lastHealMs + Math.round(s.convergenceBoundMs * 1.5), now },
    );
  }
  let stats: WorkloadStats = { sent: 0, ok: 0, fail: 0, unknown: 0 };
  try {
    stats = await workload;
  } catch (err) {
    errors.push(`workload: ${(err as Error).message}`);
  }
  await loadRun;
  return { stats, errors, lastHealMs, caughtUp, observers, poisoned: nemesis.poisoned ?? [], ...(load ? { load } : {}) };
}
