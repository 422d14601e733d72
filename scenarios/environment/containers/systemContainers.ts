// The system's processes as containers (`--system containers`): each process instance runs in
// its own container of the system image, in the host's network namespace (its HTTP port and every
// proxy it dials stay on 127.0.0.1, exactly as for a host process, so every link still crosses
// Toxiproxy), as its own unprivileged user, on a read-only root file system. Faults go through
// the engine: kill, pause/unpause, stop/start, and signals (SIGUSR2 re-arms crash points: the
// arm file and the crash log are bind-mounted from the run dir). Each process user's tsx cache is
// kept in the cache dir: without it every start compiles the whole system again, which on a
// loaded 2-core machine takes longer than a restart may.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurs, waitFor } from '../local/processes.ts';
import { cacheDir, runDir } from '../paths.ts';
import { basePortFromEnv } from '../ports.ts';
import { SYSTEM_RUNTIMES, type SystemRuntime } from '../settings.ts';
import { fileSafe, parseTarget, type SystemProcess } from '../targets.ts';
import { engineEnv, ensureEngine, podman, podmanAsync } from './engine.ts';
import { ensureImages } from './images.ts';
import { ENV_LABEL, IMAGE_TAGS } from './recipes.ts';

export { SYSTEM_RUNTIMES, type SystemRuntime };

/** Fixed in containers/system/Containerfile, so the crash log can be handed to its writer alone. */
export const PROCESS_USERS: Record<SystemProcess, { user: string; uid: number }> = {
  'command-service': { user: 'command-service', uid: 10001 },
  relay: { user: 'relay', uid: 10002 },
  projector: { user: 'projector', uid: 10003 },
  'query-api': { user: 'query-api', uid: 10004 },
};

/** Beside ENV_LABEL (which `env down` removes by): the target a system container runs. */
export const SYSTEM_LABEL = 'dev.faultline.system';
/** Where a process finds its crash-point files inside its container. */
export const CRASH_MOUNT = { armFile: '/run/faultline/crash-arm', logFile: '/run/faultline/crash.log' } as const;

export interface SystemContainerSpec {
  target: string; // 'relay', 'projector#2', …
  entry: string; // system/relay/main.ts, relative to the image's /app
  env: Record<string, string>;
  /** Host paths of the target's crash-point files (see crashFiles in ../system.ts). */
  crash: { armFile: string; logFile: string };
}

const dir = () => join(runDir(), 'system');
export const systemContainerName = (target: string, base = basePortFromEnv()) => `faultline-${base}-${fileSafe(target)}`;
const pidFile = (target: string) => join(dir(), `${fileSafe(target)}.container-pid`);
const envFile = (target: string) => join(dir(), `${fileSafe(target)}.container-env`);
/** One compile cache per process user, kept across environments (its entries are keyed by content). */
const tsxCache = (proc: SystemProcess) => join(cacheDir(), 'containers', 'tsx', PROCESS_USERS[proc].user);

function prepareTsxCache(proc: SystemProcess): string {
  const path = tsxCache(proc);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chownSync(path, PROCESS_USERS[proc].uid, PROCESS_USERS[proc].uid);
  return path;
}

/** The `podman run` arguments of one process container (pure, so it is unit-tested). */
export function systemContainerArgs(
  s: SystemContainerSpec,
  o: { base: number; pidFile: string; envFile: string; tsxCache: string },
): string[] {
  const { process: proc } = parseTarget(s.target) as { process: SystemProcess };
  const { user, uid } = PROCESS_USERS[proc];
  return [
    'run',
    '--detach',
    '--name',
    systemContainerName(s.target, o.base),
    '--label',
    `${ENV_LABEL}=${o.base}`,
    '--label',
    `${SYSTEM_LABEL}=${s.target}`,
    '--network',
    'host',
    '--user',
    user,
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--pidfile',
    o.pidFile,
    '--env-file',
    o.envFile,
    '--volume',
    `${s.crash.armFile}:${CRASH_MOUNT.armFile}:ro`,
    '--volume',
    `${s.crash.logFile}:${CRASH_MOUNT.logFile}`,
    '--volume',
    `${o.tsxCache}:/tmp/tsx-${uid}`, // where tsx keeps its cache for this uid (os.tmpdir()/tsx-<euid>)
    IMAGE_TAGS.system,
    s.entry,
  ];
}

/** The process's environment inside its container: the crash files at their mount points. */
export function containerEnv(env: Record<string, string>): Record<string, string> {
  return { ...env, FAULTLINE_CRASH_ARM_FILE: CRASH_MOUNT.armFile, FAULTLINE_CRASH_LOG: CRASH_MOUNT.logFile };
}

function envFileText(env: Record<string, string>): string {
  for (const [k, v] of Object.entries(env))
    if (/[\n\r]/.test(v)) throw new Error(`${k}: a value with a line break cannot go into a container's env file`);
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

/** The arm file (read by the process, written by the harness) and the log (written by the
 *  process's user only); bind mounts need both to exist. A restart keeps the log's lines. */
function prepareCrashFiles(s: SystemContainerSpec): void {
  const { process: proc } = parseTarget(s.target) as { process: SystemProcess };
  if (!existsSync(s.crash.armFile)) writeFileSync(s.crash.armFile, '', { mode: 0o644 });
  if (!existsSync(s.crash.logFile)) writeFileSync(s.crash.logFile, '', { mode: 0o600 });
  chownSync(s.crash.logFile, PROCESS_USERS[proc].uid, PROCESS_USERS[proc].uid);
  chmodSync(s.crash.logFile, 0o600);
}

let imageChecked: Promise<void> | undefined;
/** Engine up and the system image current: checked once per harness process (hashing the
 *  project's node_modules takes seconds, and the tree does not change under a running suite). */
export function ensureSystemImage(progress: (line: string) => void): Promise<void> {
  imageChecked ??= (async () => {
    await ensureEngine(progress);
    ensureImages(progress, ['system']);
  })();
  return imageChecked;
}

export type ContainerState = 'running' | 'paused' | 'exited' | 'created' | 'stopped' | 'configured' | 'stopping' | 'removing' | 'dead';

export async function systemContainerState(target: string): Promise<ContainerState | undefined> {
  try {
    return (
      await podmanAsync(['container', 'inspect', '--format', '{{.State.Status}}', systemContainerName(target)])
    ).trim() as ContainerState;
  } catch {
    return undefined; // no such container
  }
}

/** Runs the target's container, or starts/thaws the one already there (its settings kept). */
export async function startSystemContainer(s: SystemContainerSpec): Promise<void> {
  const name = systemContainerName(s.target);
  const state = await systemContainerState(s.target);
  if (state === 'running') return;
  if (state === 'paused') return void (await podmanAsync(['unpause', name]));
  if (state !== undefined) return void (await podmanAsync(['start', name]));
  mkdirSync(dir(), { recursive: true });
  prepareCrashFiles(s);
  // Mode 0600: the settings carry the database roles' passwords.
  writeFileSync(envFile(s.target), envFileText(containerEnv(s.env)), { mode: 0o600 });
  const { process: proc } = parseTarget(s.target) as { process: SystemProcess };
  const opts = { base: basePortFromEnv(), pidFile: pidFile(s.target), envFile: envFile(s.target), tsxCache: prepareTsxCache(proc) };
  await podmanAsync(systemContainerArgs(s, opts));
}

/** The host pid of the container's init (tini), while it runs our entry point; else undefined. */
export function systemContainerPid(target: string, entry: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile(target), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isOurs(pid, entry) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The engine's own signal delivery, synchronous (for callers that signal and go on at once).
 *  SIGSTOP/SIGCONT become pause/unpause: stopping tini alone would leave Node running. */
export function signalSystemContainerSync(target: string, signal: NodeJS.Signals): void {
  const name = systemContainerName(target);
  const args =
    signal === 'SIGSTOP'
      ? ['pause', name]
      : signal === 'SIGCONT'
        ? ['unpause', name]
        : ['kill', '--signal', signal.replace(/^SIG/, ''), name];
  if (signal === 'SIGCONT' && podman(['container', 'inspect', '--format', '{{.State.Status}}', name]).trim() !== 'paused') return;
  podman(args);
}

/** Kill (SIGKILL through the engine; a frozen container is thawed first, or the kill waits). */
export async function killSystemContainer(target: string): Promise<void> {
  const name = systemContainerName(target);
  const state = await systemContainerState(target);
  if (state !== 'running' && state !== 'paused') return;
  if (state === 'paused') await podmanAsync(['unpause', name]);
  await podmanAsync(['kill', '--signal', 'KILL', name]);
  await waitFor(`${target} container stopped`, async () => !['running', 'paused'].includes((await systemContainerState(target)) ?? ''), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}

export async function pauseSystemContainer(target: string): Promise<void> {
  await podmanAsync(['pause', systemContainerName(target)]);
}

export async function unpauseSystemContainer(target: string): Promise<void> {
  if ((await systemContainerState(target)) === 'paused') await podmanAsync(['unpause', systemContainerName(target)]);
}

/** SIGUSR2 (crash points re-read their arm file) and the like, through the engine. */
export async function signalSystemContainer(target: string, signal: NodeJS.Signals): Promise<void> {
  await podmanAsync(['kill', '--signal', signal.replace(/^SIG/, ''), systemContainerName(target)]);
}

/** Graceful stop: SIGTERM (tini forwards it to Node), SIGKILL after the grace time. */
export async function stopSystemContainer(target: string, graceS = 10): Promise<void> {
  const state = await systemContainerState(target);
  if (state === undefined) return;
  if (state === 'paused') await podmanAsync(['unpause', systemContainerName(target)]);
  await podmanAsync(['stop', '--time', String(graceS), systemContainerName(target)]);
}

/** The last lines a process container wrote (for a start failure). */
export function systemContainerLog(target: string, lines = 25): string {
  const res = spawnSync('podman', ['logs', '--tail', String(lines), systemContainerName(target)], {
    encoding: 'utf8',
    env: { ...process.env, ...engineEnv() },
  });
  return `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() || '(no output)';
}

/** Removes every system container of this environment (any runtime may call it: without an
 *  engine answering there is nothing to remove). Stop first, then remove: podman 4.3's
 *  `rm --force` fails ("container state improper") on a container that stops while it waits. */
export async function removeSystemContainers(graceS = 10): Promise<void> {
  const filters = ['--filter', `label=${ENV_LABEL}=${basePortFromEnv()}`, '--filter', `label=${SYSTEM_LABEL}`];
  const ids = (await podmanAsync(['ps', '--all', '--quiet', ...filters]).catch(() => '')).split('\n').filter(Boolean);
  if (ids.length === 0) return;
  await podmanAsync(['stop', '--time', String(graceS), ...ids]).catch(() => undefined);
  await podmanAsync(['rm', '--force', ...ids]).catch(async () => {
    await new Promise((r) => setTimeout(r, 1000));
    await podmanAsync(['rm', '--force', '--ignore', ...ids]);
  });
}
