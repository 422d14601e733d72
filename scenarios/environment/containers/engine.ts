// A local container engine as code: Debian's podman with runc, configured through our own
// containers.conf, serving the Docker-compatible API on a socket in the run dir so Testcontainers
// can talk to it. Idempotent: packages are installed only when missing, the service is started
// only when its socket does not answer.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dockerEngineAnswers } from '../dockerPing.ts';
import { isAlive, type ManagedProcess, readPid, StartError, startProcess, stopProcess, waitFor } from '../local/processes.ts';
import { MissingToolError } from '../local/install.ts';
import { cacheDir, runDir } from '../paths.ts';

type Progress = (line: string) => void;

/** Debian packages the container path needs, by the tool each provides. */
export const ENGINE_PACKAGES: Record<string, string> = {
  podman: 'podman',
  runc: 'runc',
  debootstrap: 'debootstrap',
  newuidmap: 'uidmap',
  slirp4netns: 'slirp4netns',
  iptables: 'iptables', // port publishing through CNI's portmap plugin
};

// crun (podman's default) fails on these machines ("cgroups in hybrid mode not supported"), and
// RLIMIT_NOFILE cannot be raised here, so the engine's default ulimits must be dropped.
export const ENGINE_CONF = `# Written by faultline (scenarios/environment/containers/engine.ts); used through CONTAINERS_CONF.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
# Exec sessions (Testcontainers' port checks) otherwise keep a conmon process each for 5 minutes.
exit_command_delay = 10
`;

export const engineConfPath = (env: NodeJS.ProcessEnv = process.env) => join(cacheDir(env), 'containers', 'containers.conf');
export const engineDir = (env: NodeJS.ProcessEnv = process.env) => join(runDir(env), 'podman');
export const socketPath = (env: NodeJS.ProcessEnv = process.env) => join(engineDir(env), 'podman.sock');

/** The environment every podman call and every Testcontainers client of ours runs with. */
export function engineEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    CONTAINERS_CONF: engineConfPath(env),
    DOCKER_HOST: `unix://${socketPath(env)}`,
    TESTCONTAINERS_RYUK_DISABLED: 'true', // containers outlive the CLI; `env down` removes them
    TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
  };
}

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Installs the Debian packages (by the tool each provides) that are missing; root only,
 *  otherwise says what to run. */
export function ensureDebianPackages(packages: Record<string, string>, progress: Progress, extra: string[] = []): void {
  const missing = [
    ...new Set(
      Object.entries(packages)
        .filter(([tool]) => !onPath(tool))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length === 0) return;
  const how = `apt-get install --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new MissingToolError(missing.join(', '), `run as root once, or: sudo ${how}`);
  progress(`engine: installing ${missing.join(', ')} from Debian packages (first run only)…`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  const res = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing, ...extra], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (res.status !== 0) throw new Error(`engine: ${how} failed:\n${res.stderr.slice(-2000)}`);
}

export function ensureEnginePackages(progress: Progress): void {
  ensureDebianPackages(ENGINE_PACKAGES, progress, ['containernetworking-plugins', 'conmon']);
}

export function writeEngineConf(env: NodeJS.ProcessEnv = process.env): string {
  const path = engineConfPath(env);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== ENGINE_CONF) {
    mkdirSync(join(cacheDir(env), 'containers'), { recursive: true });
    writeFileSync(path, ENGINE_CONF);
  }
  return path;
}

/** Runs podman with our configuration; throws with its stderr on failure. */
export function podman(args: string[], opts: { input?: string; cwd?: string; inherit?: boolean } = {}): string {
  const res = spawnSync('podman', args, {
    encoding: 'utf8',
    input: opts.input,
    cwd: opts.cwd,
    maxBuffer: 64 * 1024 * 1024,
    stdio: opts.inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe',
    env: { ...process.env, ...engineEnv() },
  });
  if (res.error) throw res.error;
  if (res.status !== 0)
    throw new Error(`podman ${args.slice(0, 3).join(' ')} failed (exit ${res.status}):\n${(res.stderr ?? '').slice(-3000)}`);
  return res.stdout ?? '';
}

/** podman without blocking the event loop: for faults injected while a workload runs. */
export function podmanAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'podman',
      args,
      { encoding: 'utf8', env: { ...process.env, ...engineEnv() }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`podman ${args.slice(0, 3).join(' ')} failed: ${(stderr || err.message).slice(-2000)}`));
        else resolve(stdout);
      },
    );
  });
}

function serviceProcess(host: string): ManagedProcess {
  return {
    name: 'podman-service',
    pidFile: join(engineDir(), 'service.json'),
    logFile: join(engineDir(), 'service.log'),
    command: 'podman',
    // --time=0: the service never exits on its own; `env down` stops it by its pid.
    args: ['system', 'service', '--time=0', host],
    env: { ...process.env, ...engineEnv() },
    marker: socketPath(),
  };
}

/**
 * The CPU weight of podman's parent cgroup (cgroupfs manager): every container sits below
 * `libpod_parent`, which competes for the CPU as ONE task against each process of the host. With
 * the default weight, on a 2-core machine with 40 runnable host tasks all our containers together
 * got about 1/40 of it (a system process then took minutes to start). 16 tasks' weight is about
 * what the same servers and processes weigh when they run on the host.
 */
export const CONTAINER_CPU_WEIGHT = { v1Shares: 16 * 1024, v2Weight: 16 * 100 } as const;

export function weighContainerCgroup(progress: Progress, root = '/sys/fs/cgroup'): void {
  const targets = [
    { dir: join(root, 'cpu', 'libpod_parent'), file: 'cpu.shares', value: CONTAINER_CPU_WEIGHT.v1Shares },
    { dir: join(root, 'libpod_parent'), file: 'cpu.weight', value: CONTAINER_CPU_WEIGHT.v2Weight },
  ];
  for (const t of targets) {
    const parentHasIt = existsSync(join(dirname(t.dir), t.file)) || existsSync(join(t.dir, t.file));
    if (!parentHasIt) continue;
    try {
      mkdirSync(t.dir, { recursive: true }); // podman creates it on first use otherwise, and keeps ours
      if (readFileSync(join(t.dir, t.file), 'utf8').trim() !== String(t.value)) writeFileSync(join(t.dir, t.file), String(t.value));
      return;
    } catch (err) {
      progress(`engine: could not set the containers' CPU weight (${(err as Error).message}); they may starve on a busy machine`);
      return;
    }
  }
}

/** Packages, configuration and the API service; returns the DOCKER_HOST to use. */
export async function ensureEngine(progress: Progress): Promise<string> {
  ensureEnginePackages(progress);
  writeEngineConf();
  weighContainerCgroup(progress);
  Object.assign(process.env, engineEnv());
  const host = `unix://${socketPath()}`;
  const proc = serviceProcess(host);
  if (readPid(proc) !== undefined && (await dockerEngineAnswers({ DOCKER_HOST: host }))) return host;
  await stopProcess(proc, 5_000);
  rmSync(socketPath(), { force: true });
  const pid = startProcess(proc);
  try {
    await waitFor('podman API service', () => dockerEngineAnswers({ DOCKER_HOST: host }), {
      timeoutMs: 30_000,
      intervalMs: 200,
      alive: () => isAlive(pid),
    });
  } catch (err) {
    throw new StartError('podman-service', (err as Error).message, proc.logFile);
  }
  progress(`engine: podman API service on ${socketPath()} (pid ${pid})`);
  return host;
}

/** Stops the API service and removes its socket; nothing to do when it is not running. */
export async function stopEngine(): Promise<void> {
  await stopProcess(serviceProcess(`unix://${socketPath()}`), 10_000);
  rmSync(engineDir(), { recursive: true, force: true });
}
