// Process faults through the provider's ProcessControl: SIGKILL (restarted after `duration`),
// SIGSTOP (SIGCONT after `duration`), a freeze that ends in a SIGKILL (the process dies with the
// work it was holding: a database's commits in flight) and a graceful restart, on any process
// target by instance ('relay', 'projector#2', 'kafka-2', 'queries-db').
import fc from 'fast-check';
import { BASE_TARGETS, isTarget } from '../environment/targets.ts';
import type { FaultFamily, KindSpec } from './family.ts';
import type { FaultShape as Fault } from './fault.ts';

export interface ProcessSignalParams {
  kill: Record<string, never>; // SIGKILL at `at`, restart after `duration`
  pause: Record<string, never>; // SIGSTOP at `at`, SIGCONT after `duration`
  /** SIGSTOP at `at`, SIGKILL `frozenMs` later (never resumed), restart after `duration`. */
  'freeze-kill': { frozenMs: number };
}
export interface RestartParams {
  restart: Record<string, never>; // graceful stop + start, instantaneous
}

/** Any process target; random schedules draw from the one-instance names unless told otherwise. */
export const processTargets = {
  accepts: isTarget,
  choices: BASE_TARGETS,
  describe: `${BASE_TARGETS.join(', ')}, kafka-N, relay#N, projector#N`,
  drawnFrom: 'processTargets' as const,
};
/** One process, one fault at a time: kill, pause, restart and crash points all share this key. */
export const processKey = (f: Fault) => `process:${f.target === 'kafka-1' ? 'kafka' : f.target}`;

const spec = (timing: KindSpec['timing']): KindSpec => ({
  params: {},
  timing,
  targets: processTargets,
  arbitrary: () => fc.constant({}),
  exclusive: processKey,
  lane: processKey,
});

const freezeKillSpec: KindSpec = {
  ...spec('window'),
  params: { frozenMs: { kind: 'int', min: 1, max: 60_000, required: true } },
  check: (f) => {
    const { frozenMs } = f.params;
    const { duration } = f;
    return typeof frozenMs === 'number' && typeof duration === 'number' && frozenMs >= duration
      ? [`freeze-kill: params.frozenMs (${frozenMs}) must be shorter than duration (${duration}): the kill comes before the restart`]
      : [];
  },
  arbitrary: () => fc.record({ frozenMs: fc.integer({ min: 200, max: 1500 }) }),
  // Fixed schedules only: a random duration could end before the freeze does.
  random: false,
};

export const processSignalFamily: FaultFamily = {
  name: 'process signals',
  kinds: {
    kill: { ...spec('any'), traits: ['crashes-process', 'dies-at-start'] },
    pause: spec('window'),
    'freeze-kill': { ...freezeKillSpec, traits: ['crashes-process'] },
  } satisfies Record<keyof ProcessSignalParams, KindSpec>,
  create({ control, log }) {
    const killed = new Set<string>();
    const paused = new Set<string>();
    const pendingKills = new Map<string, Promise<void>>(); // freeze-kill: the kill after the freeze
    return {
      async start(f) {
        if (f.fault === 'kill') {
          killed.add(f.target);
          await control.kill(f.target);
        } else if (f.fault === 'freeze-kill') {
          const { frozenMs } = f.params as ProcessSignalParams['freeze-kill'];
          killed.add(f.target);
          await control.pause(f.target);
          // Timed here, not awaited: the schedule goes on while the process stays frozen.
          const kill = new Promise<void>((r) => setTimeout(r, frozenMs)).then(() => control.kill(f.target));
          kill.catch(() => undefined); // awaited (and reported) by stop or heal
          pendingKills.set(f.target, kill);
        } else {
          paused.add(f.target);
          await control.pause(f.target);
        }
      },
      async stop(f) {
        if (f.fault === 'kill' || f.fault === 'freeze-kill') {
          const kill = pendingKills.get(f.target);
          pendingKills.delete(f.target);
          await kill;
          await control.restart(f.target, { graceful: false });
          killed.delete(f.target);
        } else {
          await control.resume(f.target);
          paused.delete(f.target);
        }
      },
      async heal() {
        for (const [t, kill] of pendingKills) await kill.catch((err: Error) => log(`heal: freeze-kill ${t}: ${err.message}`));
        pendingKills.clear();
        for (const t of paused) await control.resume(t).catch((err: Error) => log(`heal: resume ${t}: ${err.message}`));
        paused.clear();
        for (const t of killed) {
          if ((await control.identity(t).catch(() => undefined)) === undefined) {
            await control.restart(t, { graceful: false }).catch((err: Error) => log(`heal: restart ${t}: ${err.message}`));
          }
        }
        killed.clear();
      },
    };
  },
};

export const restartFamily: FaultFamily = {
  name: 'restarts',
  kinds: { restart: { ...spec('instant'), traits: ['dies-at-start'] } } satisfies Record<keyof RestartParams, KindSpec>,
  create({ control }) {
    return {
      start: (f) => control.restart(f.target, { graceful: true }),
      stop: async () => undefined,
      heal: async () => undefined,
    };
  },
};
