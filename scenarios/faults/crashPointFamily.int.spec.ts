// The crash-point family against a real process running the system's crashPoints module: armed
// through the arm file + SIGUSR2, the process dies at the named point on the Nth pass, the family
// records the CrashEntry from the crash log and restarts the process; a point that does not fire
// in its window is disarmed. Needs no servers (a tiny stand-in process passes the point in a loop).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { parseCrashLog } from '../environment/systemControl.ts';
import type { EnvAddresses, ProcessControl } from '../environment/types.ts';
import { crashPointFamily } from './crashPointFamily.ts';
import type { FaultContext, FaultRecorder } from './family.ts';
import type { Fault } from './types.ts';
import { waitUntil } from './wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-crash-'));
const armFile = join(dir, 'arm');
const logFile = join(dir, 'crash.log');
const script = join(dir, 'standIn.mts');
writeFileSync(
  script,
  [
    "import { existsSync } from 'node:fs';",
    `import { crashPoint, installCrashPoints } from ${JSON.stringify(join(PROJECT_ROOT, 'system/shared/crashPoints.ts'))};`,
    'installCrashPoints();',
    "setInterval(() => crashPoint('relay.after-send-before-mark'), 20);",
    // A point passed only once the test says so (a go file), to make it fire at a chosen moment.
    `setInterval(() => existsSync(${JSON.stringify(join(dir, 'go'))}) && crashPoint('relay.after-claim-before-send'), 20);`,
    "process.stdout.write('ready\\n');",
  ].join('\n'),
);

let child: ChildProcess | undefined;
let starts = 0;
async function start(): Promise<void> {
  starts++;
  const c = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FAULTLINE_CRASH_ARM_FILE: armFile, FAULTLINE_CRASH_LOG: logFile },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child = c;
  // SIGUSR2 before the handler is installed would kill it: wait until it says it listens.
  await new Promise<void>((resolve, reject) => {
    c.stdout!.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
    c.on('exit', () => reject(new Error('stand-in exited before it was ready')));
  });
}
const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

/** When set, the next restarts fail with it (a process that will not come back). */
let failRestart: Error | undefined;

/** Runs just before the next disarm (an arm with an empty spec) reaches the process. */
let beforeDisarm: (() => Promise<void>) | undefined;

const control: ProcessControl = {
  kill: async () => void child?.kill('SIGKILL'),
  pause: async () => undefined,
  resume: async () => undefined,
  restart: async () => {
    if (failRestart) throw failRestart;
    await start();
  },
  identity: async () => (alive() ? String(child!.pid) : undefined),
  targets: async () => ['relay'],
  crashPoints: {
    arm: async (_t, spec) => {
      if (spec === '' && beforeDisarm) {
        const b = beforeDisarm;
        beforeDisarm = undefined;
        await b();
      }
      writeFileSync(armFile, spec);
      child!.kill('SIGUSR2');
    },
    fired: async () => (existsSync(logFile) ? parseCrashLog(readFileSync(logFile, 'utf8')) : []),
  },
};

const crashes: { point: string; pass: number; target: string; firedAt?: number }[] = [];
const recorder = {
  crash: (e: { point: string; pass: number; target: string; firedAt?: number }) => crashes.push(e),
} as unknown as FaultRecorder;
const family = crashPointFamily.create({
  env: {} as EnvAddresses,
  control,
  recorder,
  log: () => undefined,
  poisonRecords: () => [],
  tools: {},
} as unknown as FaultContext);
const fault = (point: string, nth: number): Fault =>
  ({ at: 0, fault: 'crash-point', target: 'relay', duration: 5_000, params: { point, nth } }) as Fault;

afterAll(() => child?.kill('SIGKILL'));

describe('crash points in a real process', () => {
  it('dies at the armed point on the Nth pass; the family records it and restarts the process', async () => {
    await start();
    const first = child!.pid;
    const armedAt = Date.now();
    const f = fault('relay.after-send-before-mark', 3);
    await family.start(f, 1);
    await waitUntil(async () => crashes.length === 1 && alive() && child!.pid !== first, 20_000, 50);
    await family.stop(f, 1);
    expect(crashes).toEqual([{ point: 'relay.after-send-before-mark', target: 'relay', pass: 3, pid: first, firedAt: expect.any(Number) }]);
    // The process's own death time, between arming and now: what the republished check excuses from.
    const firedAt = crashes[0]!.firedAt!;
    expect(firedAt).toBeGreaterThanOrEqual(armedAt);
    expect(firedAt).toBeLessThanOrEqual(Date.now());
    expect(starts).toBe(2);
  }, 60_000);

  it('disarms a point that did not fire within its window: the process lives on', async () => {
    const f = fault('relay.after-claim-before-send', 1); // never passed by the stand-in
    const pid = child!.pid;
    await family.start(f, 2);
    await new Promise((r) => setTimeout(r, 300));
    await family.stop(f, 2);
    expect(readFileSync(armFile, 'utf8')).toBe('');
    expect(alive() && child!.pid === pid).toBe(true);
    expect(crashes).toHaveLength(1);
  }, 60_000);

  it('a point that fires as the window closes, before the disarm reaches the process, is recorded and its process restarted', async () => {
    const f = fault('relay.after-claim-before-send', 1);
    const pid = child!.pid;
    await family.start(f, 3);
    await new Promise((r) => setTimeout(r, 300)); // the watcher has looked a few times: nothing yet
    // On a loaded machine the disarm comes late: the process passes its armed point first and dies.
    beforeDisarm = async () => {
      writeFileSync(join(dir, 'go'), '');
      await waitUntil(async () => !alive(), 5_000, 10);
      rmSync(join(dir, 'go'));
    };
    await family.stop(f, 3);
    expect(crashes.at(-1)).toEqual({ point: 'relay.after-claim-before-send', target: 'relay', pass: 1, pid, firedAt: expect.any(Number) });
    expect(alive() && child!.pid !== pid).toBe(true);
  }, 60_000);

  it('a restart that fails after the point fired fails that fault when it stops, and nothing else', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      failRestart = new Error('relay failed to start: the process exited');
      const f = fault('relay.after-send-before-mark', 1);
      await family.start(f, 4);
      await waitUntil(async () => !alive(), 20_000, 20);
      await new Promise((r) => setTimeout(r, 500)); // the watcher has tried its restart and failed
      expect(unhandled).toEqual([]);
      await expect(family.stop(f, 4)).rejects.toThrow(/the process exited/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      failRestart = undefined;
      await family.heal();
      if (!alive()) await start();
    }
  }, 60_000);
});
