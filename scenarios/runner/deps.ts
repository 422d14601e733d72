// Everything the runner's phases do to the outside world, behind one interface: `liveDeps` wires
// the real environment, nemesis and workload; the phases' unit tests hand in fakes.
import type { Scenario, Topology } from '../catalog/types.ts';
import { systemTopology } from './topology.ts';
import type { EnvAddresses, SystemUrls } from '../environment/types.ts';
import type { SystemRuntime } from '../environment/settings.ts';
import { startSystem, wipeSystemState } from '../environment/system.ts';
import { createNemesis, playSchedule, type PoisonRecord } from '../faults/nemesis.ts';
import type { Fault, FaultSchedule } from '../faults/types.ts';
import type { HistoryRecorder } from '../history/recorder.ts';
import type { BrokerSample, FinalState, Sample } from '../record/types.ts';
import type { TelemetrySample } from '../checkers/types.ts';
import type { Configuration } from '../../system/shared/modes.ts';
import { createCommandClient } from '../workload/httpClient.ts';
import { runOpenLoop } from '../workload/openLoop.ts';
import { startReaders } from '../workload/readers.ts';
import { watchTampered } from './tampered.ts';
import type { WorkloadSummary } from '../workload/summary.ts';
import { runLoad, type LoadResult } from '../load/runLoad.ts';
import { readFinalState, readReadSide, readWriteSide } from '../observe/finalState.ts';
import { quiesce } from './quiesce.ts';
import { readProgress } from '../observe/progress.ts';
import type { StuckReading } from './stuck.ts';
import { startBrokerSampler } from './brokerSampler.ts';
import { startMemorySampler } from './memorySampler.ts';
import { sampledTargets, startSampler } from './sampler.ts';
import { liveProbes, startTelemetry } from './telemetry.ts';
import { createVisibilityProbe } from './visibility.ts';
import type { StreamVersions } from './convergence.ts';
import type { VisibilityStats } from '../record/scenarioRecord.ts';
import type { MemorySample, RunMemory } from '../record/memory.ts';

export interface WorkloadRequest {
  scenario: Scenario;
  seed: number;
  urls: SystemUrls;
  recorder: HistoryRecorder;
  /** Commands per second; default: the scenario's, else the workload's default. */
  rate?: number;
  /** Aborted by the runner after the last heal plus the scenario's tail: the workload then stops. */
  signal: AbortSignal;
  /** Told of every ok command (stream id, version). */
  onOk: (userId: string, version: number | undefined) => void;
  /** Where the observers' readers find the hot streams while the workload runs. */
  onHot?: (hot: (n: number) => string[]) => void;
}

/** Observation running beside the workload: metrics, telemetry, query-API readers, visibility. */
export interface Observers {
  okCommand(userId: string, version: number | undefined, ackMs: number): void;
  /** The workload's hot streams, hottest first: what the query-API readers sample. */
  hotStreams(hot: (n: number) => string[]): void;
  /** Stops everything that samples; visibility waits for its watchers until `deadlineMs` (or `giveUp`). */
  stop(
    deadlineMs: number,
    giveUp?: () => boolean,
  ): Promise<{
    samples: Sample[];
    samplesStartMs: number;
    telemetry: TelemetrySample[];
    visibility: VisibilityStats;
    brokers?: BrokerSample[];
    /** Resident memory of the environment's processes, where this host knows their pids. */
    memory?: { samples: MemorySample[]; memory: RunMemory };
  }>;
  /** One more metrics sample, taken after `stop` once the read model stood still. */
  finalSample(): Promise<Sample>;
}

/** What the runner needs of a nemesis: the faults helper's implementation is adapted in liveDeps. */
export interface RunnerNemesis {
  start(f: Fault, faultId: number): Promise<void>;
  stop(f: Fault, faultId: number): Promise<void>;
  /** Heals every link, resumes paused and restarts dead processes; safe at any time. */
  healAll(): Promise<void>;
}

export interface RunnerDeps {
  wipe(env: EnvAddresses): Promise<void>;
  /** Starts the system in the modes, with the scenario's relay/projector instances and partitions. */
  startSystem(env: EnvAddresses, c: Configuration, systemEnv: Record<string, string>, topology?: Topology): Promise<EnvAddresses>;
  createNemesis(o: { env: EnvAddresses; recorder: HistoryRecorder; log: (l: string) => void }): RunnerNemesis;
  playSchedule(schedule: FaultSchedule, nemesis: RunnerNemesis): Promise<string[]>;
  runWorkload(w: WorkloadRequest): Promise<WorkloadSummary>;
  runLoad(o: { url: string; durationS: number; rate?: number }): Promise<LoadResult>;
  startObservers(o: { env: EnvAddresses; urls: SystemUrls; recorder: HistoryRecorder; now: () => number }): Observers;
  writeVersions(env: EnvAddresses): Promise<StreamVersions>;
  readVersions(env: EnvAddresses): Promise<StreamVersions>;
  quiesce(env: EnvAddresses, o: { deadlineMs: number; now: () => number; giveUp?: () => boolean }): Promise<number | null>;
  /** Work the system still has in hand (outbox backlog, consumer lag) and a fingerprint of its read model. */
  progress(env: EnvAddresses): { read(): Promise<StuckReading>; close(): Promise<void> };
  readFinalState(env: EnvAddresses): Promise<FinalState>;
}

/** `runtime`: where the system's processes run (default: the FAULTLINE_SYSTEM setting). */
export function liveDeps(poisonRecords: (caseName: string) => PoisonRecord[], runtime?: SystemRuntime): RunnerDeps {
  return {
    wipe: wipeSystemState,
    startSystem: (env, c, systemEnv, topology) =>
      startSystem(env, {
        publishMode: c.publish,
        consumeMode: c.consume,
        env: systemEnv,
        ...systemTopology(topology),
        ...(runtime ? { runtime } : {}),
      }),
    createNemesis: (o) => createNemesis({ ...o, poisonRecords }),
    playSchedule,
    runWorkload: liveWorkload,
    runLoad,
    startObservers: liveObservers,
    writeVersions: async (env) => new Map((await readWriteSide(env.mariadb.commands)).users.map((u) => [u.idUserData, u.version])),
    readVersions: async (env) => new Map((await readReadSide(env.mariadb.queries)).users.map((u) => [u.idUserData, u.version])),
    quiesce,
    progress: (env) => {
      const probes = liveProbes(env);
      return {
        async read() {
          const [p, lag] = await Promise.all([readProgress(env), probes.lag()]);
          return { ...p, lag };
        },
        close: () => probes.close(),
      };
    },
    readFinalState,
  };
}

async function liveWorkload(w: WorkloadRequest): Promise<WorkloadSummary> {
  const shape = w.scenario.workload;
  const client = createCommandClient({
    baseUrl: w.urls.commandService,
    timeoutMs: shape.clientTimeoutMs ?? 3000,
    // Retries with the same key span longer than a process restart (~6–8 s on 2 cores), so a reply
    // lost to a crash or a lost-ack window is retried against the restarted service: the idempotency case.
    attempts: shape.clientAttempts ?? 5,
  });
  const rate = w.rate ?? shape.rate;
  return runOpenLoop({
    client,
    recorder: w.recorder,
    seed: w.seed,
    signal: w.signal,
    ...(rate !== undefined ? { rate } : {}),
    ...(shape.conflictFraction !== undefined ? { generator: { conflictFraction: shape.conflictFraction } } : {}),
    onOk: (c, v) => w.onOk(c.userId, v),
    ...(w.onHot ? { onGenerator: w.onHot } : {}),
  });
}

function liveObservers(o: { env: EnvAddresses; urls: SystemUrls; recorder: HistoryRecorder; now: () => number }): Observers {
  const samplesStartMs = o.now();
  const sampler = startSampler(o.urls);
  const memory = startMemorySampler(
    o.env,
    sampledTargets(o.urls).map(([t]) => t),
    o.now,
  );
  const probes = liveProbes(o.env);
  const telemetry = startTelemetry({ urls: o.urls, probes, now: o.now });
  let hot: (n: number) => string[] = () => [];
  const readers = startReaders({
    queryApi: o.urls.queryApi,
    recorder: o.recorder,
    streams: () => hot(20),
    watched: watchTampered(() => o.recorder.entries(), o.now),
    now: o.now,
  });
  const visibility = createVisibilityProbe({ queryApi: o.urls.queryApi, now: o.now });
  // Leaders, ISR and the controller only move when there is more than one broker.
  const brokers = o.env.kafka.brokers > 1 ? startBrokerSampler(o.env, o.now) : undefined;
  return {
    okCommand(userId, version, ackMs) {
      visibility.observe(userId, version, ackMs);
    },
    hotStreams(h) {
      hot = h;
    },
    finalSample: () => sampler.finalSample(),
    async stop(deadlineMs, giveUp) {
      const vis = await visibility.settle(deadlineMs, giveUp);
      const samples = sampler.stop();
      const mem = memory.stop();
      const [tel] = await Promise.all([telemetry.stop(), readers.stop()]);
      await probes.close();
      const brokerSamples = await brokers?.stop();
      return {
        samples,
        samplesStartMs,
        telemetry: tel,
        visibility: vis,
        ...(brokerSamples ? { brokers: brokerSamples } : {}),
        memory: mem,
      };
    },
  };
}
