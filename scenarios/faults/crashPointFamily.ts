// Crash points: arm a named point inside a running system process (arm file + SIGUSR2) for the
// fault's window; the process SIGKILLs itself on the Nth pass through the point, inside the
// dangerous window. The family sees it in the process's crash log, records a CrashEntry and
// restarts the process at once. A point that did not fire by the window's end is disarmed.
import fc from 'fast-check';
import { CRASH_POINTS } from '../../system/shared/crashPoints.ts';
import { parseTarget } from '../environment/targets.ts';
import type { CrashPointControl } from '../environment/types.ts';
import type { FaultContext, FaultFamily, KindSpec } from './family.ts';
import { COUNT } from './params.ts';
import { processKey } from './processFamilies.ts';
import type { FaultShape as Fault } from './fault.ts';
import { sleep } from './wait.ts';

export interface CrashPointParams {
  'crash-point': { point: string; nth?: number };
}

/** The process a point lives in: its name up to the first dot. */
export const pointProcess = (point: string): string => point.slice(0, point.indexOf('.'));
const CRASHABLE = [...new Set(CRASH_POINTS.map(pointProcess))];

export function crashControl(ctx: FaultContext): CrashPointControl {
  if (!ctx.control.crashPoints) throw new Error('this provider cannot arm crash points');
  return ctx.control.crashPoints;
}

/** How long a disarmed point stays watched: the process handles the disarming SIGUSR2 on its event loop, late when busy. */
const DISARM_SETTLE_MS = 500;

/** Watches one armed window: restarts the process when its point fires; resolves on `done()`. */
function watch(ctx: FaultContext, f: Fault, faultId: number, seen: number) {
  const cp = crashControl(ctx);
  let stopped = false;
  let fired = false;
  let diedElsewhere = false;
  const firedSince = async () => (await cp.fired(f.target).catch(() => [])).slice(seen);
  const loop = (async () => {
    // Looks once more after `done()` is asked for: a point may fire just before the window closes.
    while (!fired) {
      let lines = await firedSince();
      if (lines.length === 0 && (await ctx.control.identity(f.target).catch(() => undefined)) === undefined) {
        lines = await firedSince(); // it logs its point, then dies: the line may have come after the first look
        if (lines.length === 0) {
          // Dead without a crash-log line: not one of our points (e.g. no SIGUSR2 handler installed).
          diedElsewhere = true;
          ctx.log(`fault ${faultId}: ${f.target} died without firing a crash point; restarting`);
          await ctx.control.restart(f.target, { graceful: false });
          return;
        }
      }
      if (lines.length > 0) {
        fired = true;
        for (const e of lines) ctx.recorder.crash({ point: e.crashPoint, target: f.target, pass: e.pass, pid: e.pid, firedAt: e.at });
        ctx.log(`fault ${faultId}: ${f.target} died at ${lines.map((e) => e.crashPoint).join(', ')}; restarting`);
        await ctx.control.restart(f.target, { graceful: false });
        return;
      }
      if (stopped) return;
      await sleep(100);
    }
  })();
  // Held until `done()`: a failed restart must fail this fault, not end the whole run as an unhandled rejection.
  const outcome = loop.then(
    () => undefined,
    (err: unknown) => err,
  );
  return {
    fired: () => fired,
    diedElsewhere: () => diedElsewhere,
    async done() {
      stopped = true;
      const err = await outcome;
      if (err !== undefined) throw err;
    },
  };
}

export const pointSpec: KindSpec = {
  traits: ['crashes-process', 'crash-point'],
  params: { point: { kind: 'enum', values: CRASH_POINTS, required: true }, nth: COUNT(1_000_000) },
  timing: 'window',
  targets: {
    accepts: (t) => {
      try {
        const p = parseTarget(t);
        return p.kind === 'system' && CRASHABLE.includes(p.process);
      } catch {
        return false;
      }
    },
    choices: CRASHABLE,
    drawnFrom: 'processTargets',
  },
  check: (f) => {
    const why = checkPointMatchesTarget(f);
    return why ? [why] : [];
  },
  arbitrary: (_o, target) => {
    const proc = pointProcess(`${target.replace(/#\d+$/, '')}.`);
    const points = CRASH_POINTS.filter((p) => pointProcess(p) === proc);
    return fc.record({ point: fc.constantFrom(...points), nth: fc.integer({ min: 1, max: 20 }) });
  },
  exclusive: processKey,
  lane: processKey,
};

/** A target's point must live in that process ('relay.*' on relay or relay#N). */
export function checkPointMatchesTarget(f: { target: string; params: Record<string, unknown> }): string | undefined {
  const point = f.params.point;
  if (typeof point !== 'string') return undefined;
  let proc;
  try {
    proc = parseTarget(f.target);
  } catch {
    return undefined; // the target check reports it
  }
  return proc.kind === 'system' && pointProcess(point) !== proc.process ? `crash point ${point} is not in ${f.target}` : undefined;
}

export const crashPointFamily: FaultFamily = {
  name: 'crash points',
  kinds: { 'crash-point': pointSpec } satisfies Record<keyof CrashPointParams, KindSpec>,
  create(ctx) {
    const windows = new Map<number, ReturnType<typeof watch>>();
    const armed = new Set<string>();
    return {
      async start(f, id) {
        const why = checkPointMatchesTarget(f as unknown as { target: string; params: Record<string, unknown> });
        if (why) throw new Error(why);
        const p = f.params as CrashPointParams['crash-point'];
        const cp = crashControl(ctx);
        const seen = (await cp.fired(f.target)).length;
        await cp.arm(f.target, `${p.point}:${p.nth ?? 1}`);
        armed.add(f.target);
        windows.set(id, watch(ctx, f, id, seen));
      },
      async stop(f, id) {
        const w = windows.get(id);
        windows.delete(id);
        // Disarmed while still watched: a point that fires between the watcher's last look and the
        // disarm, or before the process has handled the disarming signal, is still recorded and its
        // process restarted (else it stays dead, unrecorded, and the next fault on it fails).
        if (w && !w.fired()) {
          await crashControl(ctx)
            .arm(f.target, '')
            .catch(() => undefined); // the process may have died meanwhile: the watcher sees to it
          await sleep(DISARM_SETTLE_MS);
        }
        await w?.done();
        if (w?.diedElsewhere()) {
          armed.delete(f.target);
          throw new Error(`${f.target} died without firing a crash point: does it call installCrashPoints()?`);
        }
        if (w && !w.fired())
          ctx.log(`fault ${id}: ${(f.params as CrashPointParams['crash-point']).point} did not fire within the window; disarmed`);
        armed.delete(f.target);
      },
      async heal() {
        for (const w of windows.values()) await w.done();
        windows.clear();
        for (const t of armed)
          await crashControl(ctx)
            .arm(t, '')
            .catch(() => undefined);
        armed.clear();
      },
    };
  },
};
