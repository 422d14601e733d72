// Process control of the system's own processes (command service, relays, projectors, query
// API). The harness starts these as local processes whatever provider runs the servers, so every
// provider can fault them; `composeControl` routes each target to the part that owns it. When
// they run as containers (`--system containers`), kill, pause, resume and the crash points' signal
// go through the container engine.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { killSystemContainer, pauseSystemContainer, signalSystemContainer, unpauseSystemContainer } from './containers/systemContainers.ts';
import {
  crashFiles,
  restartSystemProcess,
  signalSystemProcess,
  systemProcessPid,
  systemProcessStarted,
  systemRuntime,
  systemTargets,
} from './system.ts';
import { connectControl } from './connect/control.ts';
import { parseTarget } from './targets.ts';
import type { CrashPointControl, FiredCrashPoint, ProcessControl } from './types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function requireStarted(target: string): void {
  if (!systemProcessStarted(target))
    throw new Error(
      `${target} was not started by this environment (started: ${systemTargets().filter(systemProcessStarted).join(', ') || 'none'})`,
    );
}

/** Waits until the target's pid no longer runs our program (SIGKILL is asynchronous). */
async function gone(target: string, pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (systemProcessPid(target) === pid) {
    if (Date.now() > deadline) throw new Error(`${target} (pid ${pid}) still alive ${timeoutMs} ms after SIGKILL`);
    await sleep(25);
  }
}

export function parseCrashLog(text: string): FiredCrashPoint[] {
  const out: FiredCrashPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const o = JSON.parse(line) as Partial<FiredCrashPoint>;
      if (typeof o.crashPoint === 'string' && typeof o.pass === 'number')
        out.push({ crashPoint: o.crashPoint, pass: o.pass, pid: Number(o.pid), at: Number(o.at) });
    } catch {
      // A line cut by the SIGKILL that followed it: the process died there all the same.
    }
  }
  return out;
}

export const systemCrashPoints: CrashPointControl = {
  async arm(target, spec) {
    requireStarted(target);
    // Rewritten in place (same inode): a container sees the file through a bind mount.
    writeFileSync(crashFiles(target).armFile, spec);
    if (inContainers()) await signalSystemContainer(target, 'SIGUSR2');
    else signalSystemProcess(target, 'SIGUSR2');
  },
  async fired(target) {
    const { logFile } = crashFiles(target);
    return existsSync(logFile) ? parseCrashLog(readFileSync(logFile, 'utf8')) : [];
  },
};

const inContainers = () => systemRuntime() === 'containers';

export const systemControl: ProcessControl = {
  async kill(target) {
    requireStarted(target);
    if (inContainers()) return killSystemContainer(target);
    await gone(target, signalSystemProcess(target, 'SIGKILL'));
  },
  async pause(target) {
    requireStarted(target);
    if (inContainers()) return pauseSystemContainer(target);
    signalSystemProcess(target, 'SIGSTOP');
  },
  async resume(target) {
    requireStarted(target);
    if (inContainers()) return unpauseSystemContainer(target);
    signalSystemProcess(target, 'SIGCONT');
  },
  async restart(target, opts) {
    await restartSystemProcess(target, opts);
  },
  async identity(target) {
    return systemProcessPid(target)?.toString();
  },
  async targets() {
    return systemTargets().filter(systemProcessStarted);
  },
  crashPoints: systemCrashPoints,
};

/** One ProcessControl from the system part and a provider's infrastructure part. */
export function composeControl(infra: ProcessControl): ProcessControl {
  const pick = (target: string) => {
    const kind = parseTarget(target).kind;
    return kind === 'system' ? systemControl : kind === 'connect' ? connectControl : infra;
  };
  return {
    // async: a bad target name is a rejected promise like every other control failure.
    kill: async (t) => pick(t).kill(t),
    pause: async (t) => pick(t).pause(t),
    resume: async (t) => pick(t).resume(t),
    restart: async (t, o) => pick(t).restart(t, o),
    identity: async (t) => pick(t).identity(t),
    targets: async () => [...(await systemControl.targets()), ...(await connectControl.targets()), ...(await infra.targets())],
    crashPoints: {
      arm: async (t, spec) => (pick(t) === systemControl ? systemCrashPoints.arm(t, spec) : refuseCrash(t)),
      fired: async (t) => (pick(t) === systemControl ? systemCrashPoints.fired(t) : refuseCrash(t)),
    },
  };
}

async function refuseCrash(target: string): Promise<never> {
  throw new Error(`${target} has no crash points: only the system's processes do`);
}
