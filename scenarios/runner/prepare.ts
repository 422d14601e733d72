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
import { isCdc, type Configuration } from '../../system/shared/modes.ts';
import type { RunnerDeps } from './deps.ts';

export interface Prepared {
  clock: Clock;
  recorder: HistoryRecorder;
  schedule: FaultSchedule;
  env: EnvAddresses;
  urls: SystemUrls;
  startedAtMs: number; // wall clock
}

/** What the relay's links and process are in the cdc modes: the Kafka Connect worker's. */
const CDC_PUBLISHER: Readonly<Record<string, string>> = { relay: 'connect', 'relay-kafka': 'connect-kafka', 'relay-db': 'connect-db' };
/** Faults that act on a process from outside (signals, restarts): they apply to the worker as to the relay. */
const PROCESS_FAULTS: readonly string[] = ['kill', 'pause', 'restart', 'freeze-kill'];

/**
 * In dual-write no relay runs: a fault aimed at it would only be a nemesis error. In the cdc modes
 * the Kafka Connect worker publishes instead: a fault on the relay's links, or a process fault on
 * the relay, goes to the worker's; a fault on the relay's code (crash points, claims) has no
 * counterpart and is left out.
 */
export function effectiveSchedule(schedule: FaultSchedule, c: Configuration): FaultSchedule {
  if (c.publish === 'dual-write') return schedule.filter((f) => f.target !== 'relay');
  if (!isCdc(c.publish)) return schedule;
  return schedule.flatMap((f) => {
    const to = CDC_PUBLISHER[f.target];
    if (to === undefined) return [f];
    if (f.target === 'relay' && !PROCESS_FAULTS.includes(f.fault)) return [];
    return [{ ...f, target: to }];
  });
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
