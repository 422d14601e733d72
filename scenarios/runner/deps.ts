// Everything the runner's phases do to the outside world, behind one interface: `liveDeps` wires
// the real environment, nemesis and workload; the phases' unit tests hand in fakes.
import fc from 'fast-check';
import type { Scenario } from '../catalog/types.ts';
import type { EnvAddresses, SystemUrls } from '../environment/types.ts';
import { startSystem, wipeSystemState } from '../environment/system.ts';
import { createNemesis, playSchedule, type PoisonRecord } from '../faults/nemesis.ts';
import type { Fault, FaultSchedule } from '../faults/types.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { FinalState, Sample } from '../record/types.ts';
import type { PoisonInjection, TelemetrySample } from '../checkers/types.ts';
import type { Configuration } from '../../system/shared/modes.ts';
import { workloadArb } from '../workload/arbitraries.ts';
import { createCommandClient } from '../workload/httpClient.ts';
import { runWorkload, type WorkloadStats } from '../workload/runWorkload.ts';
import { runLoad, type LoadResult } from '../load/runLoad.ts';
import { readFinalState, readReadSide, readWriteSide } from '../observe/finalState.ts';
import { quiesce } from './quiesce.ts';
import { startReaders } from './readers.ts';
import { startSampler } from './sampler.ts';
import { liveProbes, startTelemetry } from './telemetry.ts';
import { createVisibilityProbe } from './visibility.ts';
import type { StreamVersions } from './convergence.ts';
import type { VisibilityStats } from '../record/scenarioRecord.ts';

export interface WorkloadRequest {
  scenario: Scenario;
  seed: number;
  urls: SystemUrls;
  recorder: HistoryRecorder;
  /** Told of every ok command (stream id, version). */
  onOk: (userId: string, version: number | undefined) => void;
}

/** Observation running beside the workload: metrics, telemetry, query-API readers, visibility. */
export interface Observers {
  okCommand(userId: string, version: number | undefined, ackMs: number): void;
  /** Stops everything that samples; visibility waits for its watchers until `deadlineMs`. */
  stop(
    deadlineMs: number,
  ): Promise<{ samples: Sample[]; samplesStartMs: number; telemetry: TelemetrySample[]; visibility: VisibilityStats }>;
}

/** What the runner needs of a nemesis: the faults helper's implementation is adapted in liveDeps. */
export interface RunnerNemesis {
  start(f: Fault, faultId: number): Promise<void>;
  stop(f: Fault, faultId: number): Promise<void>;
  /** Heals every link, resumes paused and restarts dead processes; safe at any time. */
  healAll(): Promise<void>;
  /** Poison it injected, for a nemesis that does not record `inject` entries in the history. */
  readonly poisoned?: readonly PoisonInjection[];
}

export interface RunnerDeps {
  wipe(env: EnvAddresses): Promise<void>;
  startSystem(env: EnvAddresses, c: Configuration, systemEnv: Record<string, string>): Promise<EnvAddresses>;
  createNemesis(o: { env: EnvAddresses; recorder: HistoryRecorder; log: (l: string) => void }): RunnerNemesis;
  playSchedule(schedule: FaultSchedule, nemesis: RunnerNemesis): Promise<string[]>;
  runWorkload(w: WorkloadRequest): Promise<WorkloadStats>;
  runLoad(o: { url: string; durationS: number; rate?: number }): Promise<LoadResult>;
  startObservers(o: { env: EnvAddresses; urls: SystemUrls; recorder: HistoryRecorder; now: () => number }): Observers;
  writeVersions(env: EnvAddresses): Promise<StreamVersions>;
  readVersions(env: EnvAddresses): Promise<StreamVersions>;
  quiesce(env: EnvAddresses, o: { deadlineMs: number; now: () => number }): Promise<number | null>;
  readFinalState(env: EnvAddresses): Promise<FinalState>;
}

export function liveDeps(poisonRecords: (caseName: string) => PoisonRecord[]): RunnerDeps {
  return {
    wipe: wipeSystemState,
    startSystem: (env, c, systemEnv) => startSystem(env, { publishMode: c.publish, consumeMode: c.consume, env: systemEnv }),
    createNemesis: (o) => createNemesis({ ...o, poisonRecords }),
    playSchedule,
    runWorkload: liveWorkload,
    runLoad,
    startObservers: liveObservers,
    writeVersions: async (env) => new Map((await readWriteSide(env.mariadb.commands)).users.map((u) => [u.idUserData, u.version])),
    readVersions: async (env) => new Map((await readReadSide(env.mariadb.queries)).users.map((u) => [u.idUserData, u.version])),
    quiesce,
    readFinalState,
  };
}

async function liveWorkload(w: WorkloadRequest): Promise<WorkloadStats> {
  const shape = w.scenario.workload;
  const users = Array.from({ length: shape.users }, () => crypto.randomUUID());
  const weights = shape.weights ?? { register: 1, rename: 8, delete: 1 };
  const [perClient] = fc.sample(workloadArb({ users, clients: shape.clients, maxLengthPerClient: shape.opsPerClient, weights }), {
    seed: w.seed,
    numRuns: 1,
  });
  const client = createCommandClient({
    baseUrl: w.urls.commandService,
    timeoutMs: shape.clientTimeoutMs ?? 3000,
    attempts: shape.clientAttempts ?? 3,
  });
  return runWorkload({
    perClient: perClient!,
    client,
    recorder: w.recorder,
    spreadMs: shape.spreadMs,
    onOk: (c, v) => w.onOk(c.userId, v),
  });
}

function liveObservers(o: { env: EnvAddresses; urls: SystemUrls; recorder: HistoryRecorder; now: () => number }): Observers {
  const samplesStartMs = o.now();
  const sampler = startSampler(o.urls);
  const probes = liveProbes(o.env);
  const telemetry = startTelemetry({ urls: o.urls, probes, now: o.now });
  const readers = startReaders({ queryApi: o.urls.queryApi, record: (r) => o.recorder.read(r) });
  const visibility = createVisibilityProbe({ queryApi: o.urls.queryApi, now: o.now });
  return {
    okCommand(userId, version, ackMs) {
      readers.wrote(userId);
      visibility.observe(userId, version, ackMs);
    },
    async stop(deadlineMs) {
      const vis = await visibility.settle(deadlineMs);
      const samples = sampler.stop();
      const [tel] = await Promise.all([telemetry.stop(), readers.stop()]);
      await probes.close();
      return { samples, samplesStartMs, telemetry: tel, visibility: vis };
    },
  };
}
