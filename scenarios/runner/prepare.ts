// Prepare phase: a clean slate (both databases and the topics dropped), the system started in the
// chosen modes, a history recorder opened in the record folder, the schedule to play decided.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../catalog/types.ts';
import type { EnvAddresses, SystemUrls } from '../environment/types.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { createClock, type Clock } from '../history/clock.ts';
import { createRecorder, fileSink, type HistoryRecorder } from '../history/recorder.ts';
import { RECORD_FILES } from '../record/scenarioRecord.ts';
import type { Configuration } from '../../system/shared/modes.ts';
import type { RunnerDeps } from './deps.ts';

export interface Prepared {
  clock: Clock;
  recorder: HistoryRecorder;
  schedule: FaultSchedule;
  env: EnvAddresses;
  urls: SystemUrls;
  startedAtMs: number; // wall clock
}

/** In dual-write no relay runs: a fault aimed at it would only be a nemesis error. */
export function effectiveSchedule(schedule: FaultSchedule, c: Configuration): FaultSchedule {
  return schedule.filter((f) => !(c.publish === 'dual-write' && f.target === 'relay'));
}

export interface PrepareOptions {
  env: EnvAddresses;
  seed: number;
  outDir: string;
  path?: string;
  schedule?: FaultSchedule;
  systemEnv: Record<string, string>;
}

export async function prepare(s: Scenario, c: Configuration, o: PrepareOptions, deps: RunnerDeps): Promise<Prepared> {
  const startedAtMs = Date.now();
  mkdirSync(o.outDir, { recursive: true });
  const clock = createClock();
  const recorder = createRecorder({ sink: fileSink(join(o.outDir, RECORD_FILES.history)), clock });
  const schedule = effectiveSchedule(o.schedule ?? s.schedule({ seed: o.seed }), c);
  recorder.meta({
    scenario: s.name,
    configuration: { publish: c.publish, consume: c.consume },
    seed: o.seed,
    ...(o.path ? { path: o.path } : {}),
  });
  await deps.wipe(o.env);
  const env = await deps.startSystem(o.env, c, { ...o.systemEnv, ...s.systemEnv }, s.topology);
  if (!env.system) throw new Error('the system did not report its addresses after starting');
  return { clock, recorder, schedule, env, urls: env.system, startedAtMs };
}
