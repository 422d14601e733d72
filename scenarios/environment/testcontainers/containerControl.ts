// Process faults on the infrastructure containers through the engine: kill, pause, resume and
// restart of the broker and the databases. A restarted container keeps its file system (data
// survives, as a killed local process keeps its data dir). The system's processes (host processes
// or, with --system containers, containers of their own) are systemControl's: the provider
// composes both (composeControl).
import { podmanAsync } from '../containers/engine.ts';
import { waitFor } from '../local/processes.ts';
import { parseTarget } from '../targets.ts';
import type { ProcessControl, ProcessTargetName } from '../types.ts';
import { CONTAINER_TARGETS, type ContainerName, type ContainerTarget } from './plan.ts';

export type ContainerState = 'running' | 'paused' | 'exited' | 'created' | 'stopped' | 'configured' | 'stopping' | 'removing' | 'dead';

/** 'kafka-1' is 'kafka' (the provider runs one broker); anything else must be a container target. */
function containerTarget(t: string): ContainerTarget | undefined {
  const name = parseTarget(t).kind === 'broker' && t === 'kafka-1' ? 'kafka' : t;
  return (CONTAINER_TARGETS as readonly string[]).includes(name) ? (name as ContainerTarget) : undefined;
}

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
  const unknown = (t: string) => new Error(`unknown infrastructure target ${t}; this provider's are: ${CONTAINER_TARGETS.join(', ')}`);
  const target = (t: string): ContainerTarget => {
    const c = containerTarget(t);
    if (!c) throw unknown(t);
    return c;
  };
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
      await kill(target(t));
    },
    async pause(t) {
      await podmanAsync(['pause', await nameOf(target(t))]);
    },
    async resume(t) {
      const name = await nameOf(target(t));
      if ((await containerState(name)) === 'paused') await podmanAsync(['unpause', name]);
    },
    async restart(given, opts = {}) {
      const t = target(given);
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
    async identity(given: ProcessTargetName) {
      const t = target(given);
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
      return present.flat();
    },
  };
}
