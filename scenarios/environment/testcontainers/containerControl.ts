// Process faults through the container engine: kill, pause, resume and restart of the broker and
// database containers. A restarted container keeps its file system (data survives, as a killed
// local process keeps its data dir). The system's four processes run on the host either way, so
// their faults go to the same signals as with the local provider.
import { podmanAsync } from '../containers/engine.ts';
import { waitFor } from '../local/processes.ts';
import { restartSystemProcess, signalSystemProcess, SYSTEM_PROCESSES, type SystemProcess, systemProcessPid } from '../system.ts';
import type { ProcessControl, ProcessTargetName } from '../types.ts';
import { CONTAINER_TARGETS, type ContainerName, type ContainerTarget } from './plan.ts';

export type ContainerState = 'running' | 'paused' | 'exited' | 'created' | 'stopped' | 'configured' | 'stopping' | 'removing' | 'dead';

const isContainer = (t: string): t is ContainerTarget => (CONTAINER_TARGETS as readonly string[]).includes(t);
const isSystem = (t: string): t is SystemProcess => (SYSTEM_PROCESSES as readonly string[]).includes(t);

/** The container's state, or undefined when there is no such container. */
export async function containerState(name: string): Promise<ContainerState | undefined> {
  try {
    return (await podmanAsync(['container', 'inspect', '--format', '{{.State.Status}}', name])).trim() as ContainerState;
  } catch {
    return undefined;
  }
}

export interface ContainerControlDeps {
  names: Record<ContainerName, string>;
  /** Ready to serve (the same check `up` waits for). */
  ready: (target: ContainerTarget) => Promise<boolean>;
}

export function containerControl(deps: ContainerControlDeps): ProcessControl {
  const unknown = (t: string) =>
    new Error(`unknown process target ${t}; use one of: ${[...CONTAINER_TARGETS, ...SYSTEM_PROCESSES].join(', ')}`);
  const nameOf = async (t: ContainerTarget) => {
    const name = deps.names[t];
    if ((await containerState(name)) === undefined) throw new Error(`${t}: container ${name} does not exist (is the environment up?)`);
    return name;
  };
  const waitState = (t: string, name: string, want: (s: ContainerState | undefined) => boolean) =>
    waitFor(`${t} container state`, async () => want(await containerState(name)), { timeoutMs: 30_000, intervalMs: 100 });

  const kill = async (t: ContainerTarget) => {
    const name = await nameOf(t);
    const state = await containerState(name);
    if (state !== 'running' && state !== 'paused') return;
    // The engine refuses to signal a frozen container; thawing first lets SIGKILL through.
    if (state === 'paused') await podmanAsync(['unpause', name]);
    await podmanAsync(['kill', '--signal', 'KILL', name]);
    await waitState(t, name, (s) => s !== 'running' && s !== 'paused');
  };

  return {
    async kill(t) {
      if (isSystem(t)) return void signalSystemProcess(t, 'SIGKILL');
      if (!isContainer(t)) throw unknown(t);
      await kill(t);
    },
    async pause(t) {
      if (isSystem(t)) return void signalSystemProcess(t, 'SIGSTOP');
      if (!isContainer(t)) throw unknown(t);
      await podmanAsync(['pause', await nameOf(t)]);
    },
    async resume(t) {
      if (isSystem(t)) return void signalSystemProcess(t, 'SIGCONT');
      if (!isContainer(t)) throw unknown(t);
      const name = await nameOf(t);
      if ((await containerState(name)) === 'paused') await podmanAsync(['unpause', name]);
    },
    async restart(t, opts = {}) {
      if (isSystem(t)) return restartSystemProcess(t, opts);
      if (!isContainer(t)) throw unknown(t);
      const name = await nameOf(t);
      const state = await containerState(name);
      if (opts.graceful === false) await kill(t);
      else if (state === 'running' || state === 'paused') {
        if (state === 'paused') await podmanAsync(['unpause', name]);
        await podmanAsync(['stop', '--time', '20', name]);
      }
      await podmanAsync(['start', name]);
      await waitFor(`${t} ready after restart`, () => deps.ready(t), { timeoutMs: 90_000, intervalMs: 300 });
    },
    async identity(t: ProcessTargetName) {
      if (isSystem(t)) return systemProcessPid(t)?.toString();
      if (!isContainer(t)) throw unknown(t);
      try {
        const [id, pid] = (await podmanAsync(['container', 'inspect', '--format', '{{.Id}} {{.State.Pid}}', deps.names[t]]))
          .trim()
          .split(' ');
        // The id stays across a restart of the same container; the pid does not.
        return pid && pid !== '0' ? `${id!.slice(0, 12)}:${pid}` : undefined;
      } catch {
        return undefined;
      }
    },
    async targets() {
      const present = await Promise.all(CONTAINER_TARGETS.map(async (t) => ((await containerState(deps.names[t])) ? [t] : [])));
      return [...present.flat(), ...SYSTEM_PROCESSES.filter((p) => systemProcessPid(p) !== undefined)];
    },
  };
}
