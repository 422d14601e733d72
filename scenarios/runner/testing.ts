// Test support for the runner's phases: fake dependencies (no servers) and a hand-built record.
import type { Scenario } from '../catalog/types.ts';
import type { EnvAddresses } from '../environment/types.ts';
import type { RunFacts } from '../record/scenarioRecord.ts';
import type { FinalState } from '../record/types.ts';
import { summarize } from '../workload/summary.ts';
import type { RunnerDeps } from './deps.ts';

export const FAKE_ENV = {
  provider: 'local',
  system: {
    commandService: 'http://cs',
    commandServiceDirect: 'http://csd',
    queryApi: 'http://qa',
    relay: 'http://r',
    projector: 'http://p',
  },
} as unknown as EnvAddresses;

export const emptyFinal = (): FinalState => ({
  write: { events: [], users: [] },
  read: { users: [], applied: [], parked: [] },
  topics: { events: [], dlq: [] },
});

export function fakeScenario(over: Partial<Scenario> = {}): Scenario {
  return {
    name: 'fake',
    purpose: 'a fake',
    workload: { minMs: 20, tailMs: 30 },
    schedule: () => [{ at: 0, fault: 'down', target: 'relay-kafka', duration: 10, params: {} } as never],
    felt: [{ describe: 'a command was ok', check: (o) => o.ops.some((op) => op.outcome === 'ok') }],
    crashes: false,
    convergenceBoundMs: 1000,
    ...over,
  };
}

/**
 * Three ok commands on stream u1, and the final state they leave, written out by hand; then it
 * waits for the runner's stop signal, as the open-loop workload does.
 */
function fakeWorkload(calls: string[], final: FinalState): RunnerDeps['runWorkload'] {
  return async ({ recorder, onOk, onHot, signal }) => {
    onHot?.(() => ['u1']);
    for (let v = 1; v <= 3; v++) {
      const id = recorder.invoke({
        process: 0,
        kind: v === 1 ? 'register' : 'rename',
        userId: 'u1',
        name: `N${v}`,
        idempotencyKey: `k${v}`,
      });
      recorder.complete(id, { outcome: 'ok', status: 200, version: v, eventId: `e${v}` });
      final.write.events.push({
        eventId: `e${v}`,
        streamId: 'u1',
        streamVersion: v,
        type: v === 1 ? 'UserRegistered' : 'UserRenamed',
        payload: v === 1 ? { name: 'N1', dateRegister: '2026-01-01T00:00:00.000Z' } : { name: `N${v}` },
        occurredAt: '2026-01-01T00:00:00.000Z',
      });
      final.read.applied.push({
        eventId: `e${v}`,
        streamId: 'u1',
        streamVersion: v,
        partition: 0,
        offset: String(v - 1),
        appliedAt: '2026-01-01T00:00:01.000Z',
      });
      onOk('u1', v);
    }
    final.write.users.push({ idUserData: 'u1', name: 'N3', dateRegister: '2026-01-01T00:00:00.000Z', version: 3, deleted: false });
    final.read.users.push({
      idUserData: 'u1',
      name: 'N3',
      dateRegister: '2026-01-01T00:00:00.000Z',
      version: 3,
      deleted: false,
      appliedCount: 3,
    });
    calls.push('workload');
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r())));
    calls.push('workload stopped');
    const ops = [1, 2, 3].map((v) => ({ userId: 'u1', intent: v === 1 ? 'register' : 'rename', outcome: 'ok' as const }));
    return summarize({ ops, skipped: 0 }, { rate: 60, sendingMs: 50, drainMs: 0 });
  };
}

/**
 * Deps whose workload writes three `ok` commands to one stream (register, rename, rename) and
 * whose final state, written out by hand, shows all three applied once: a clean run.
 */
export function fakeDeps(calls: string[], over: Partial<RunnerDeps> = {}): RunnerDeps {
  const final = emptyFinal();
  return {
    wipe: async () => void calls.push('wipe'),
    startSystem: async (env, c) => {
      calls.push(`start ${c.publish}+${c.consume}`);
      return env;
    },
    createNemesis: ({ recorder }) => ({
      start: async (f, id) => {
        calls.push('fault start');
        recorder.faultStart({ faultId: id, fault: f.fault, target: f.target });
      },
      stop: async (f, id) => {
        calls.push('fault stop');
        recorder.faultStop({ faultId: id, fault: f.fault, target: f.target });
      },
      healAll: async () => void calls.push('heal'),
    }),
    playSchedule: async (schedule, n) => {
      for (const [i, f] of schedule.entries()) {
        await n.start(f, i);
        await n.stop(f, i);
      }
      return [];
    },
    runWorkload: fakeWorkload(calls, final),
    runLoad: async () => {
      throw new Error('no load in this test');
    },
    startObservers: () => ({
      okCommand: () => undefined,
      hotStreams: () => undefined,
      finalSample: async () => ({ ms: 1, pids: {}, metrics: {}, final: true }),
      stop: async () => ({
        samples: [],
        samplesStartMs: 0,
        telemetry: [],
        visibility: { sampled: 3, visible: 3, p50Ms: 5, p90Ms: 9, p99Ms: 9, maxMs: 9 },
      }),
    }),
    writeVersions: async () => new Map([['u1', 3]]),
    readVersions: async () => new Map([['u1', 3]]),
    quiesce: async (_e, o) => o.now(),
    // Busy until the run ends: never stuck.
    progress: () => ({ read: async () => ({ backlog: 1, lag: 0, readMark: 'busy' }), close: async () => undefined }),
    readFinalState: async () => {
      calls.push('final');
      return final;
    },
    ...over,
  };
}

export function facts(over: Partial<RunFacts> = {}): RunFacts {
  return {
    scenario: 'fake',
    configuration: { publish: 'outbox', consume: 'effectively-once' },
    seed: 1,
    replay: 'npm run scenario -- fake --seed 1',
    startedAt: '2026-11-28T00:00:00.000Z',
    durationMs: 1000,
    expectation: { required: [], allowed: [] },
    convergence: { lastHealMs: 100, convergedAtMs: 150, boundMs: 1000 },
    retryBudgetMs: 5000,
    errors: [],
    ...over,
  };
}
