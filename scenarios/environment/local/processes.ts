// Background processes of the local environment. Each runs in its own process group with a
// pid file, so `down` (even after the harness crashed) stops exactly what we started — never
// anything found by name — and a reused pid is not mistaken for ours (its cmdline must match).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ManagedProcess {
  name: string; // e.g. 'kafka-1', 'mariadb-commands'
  pidFile: string;
  logFile: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A string that must appear in /proc/<pid>/cmdline for the pid to be ours. */
  marker: string;
}

interface PidRecord {
  pid: number;
  startedAt: string;
  marker: string;
}

export function readPid(p: Pick<ManagedProcess, 'pidFile' | 'marker'>): number | undefined {
  if (!existsSync(p.pidFile)) return undefined;
  try {
    const rec = JSON.parse(readFileSync(p.pidFile, 'utf8')) as PidRecord;
    return isOurs(rec.pid, p.marker) ? rec.pid : undefined;
  } catch {
    return undefined;
  }
}

/** Running and not a zombie. For a pid we just spawned: between fork and exec its cmdline is still ours. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Alive, not a zombie, and its command line carries our marker (a pid file may outlive its process). */
export function isOurs(pid: number, marker: string): boolean {
  try {
    return isAlive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export function startProcess(p: ManagedProcess): number {
  mkdirSync(dirname(p.pidFile), { recursive: true });
  mkdirSync(dirname(p.logFile), { recursive: true });
  const out = openSync(p.logFile, 'a');
  const child = spawn(p.command, p.args, {
    cwd: p.cwd,
    env: p.env ?? process.env,
    detached: true, // own process group: stop it whole, and it outlives a crashed harness
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${p.name}: could not start ${p.command}`);
  child.unref();
  const rec: PidRecord = { pid: child.pid, startedAt: new Date().toISOString(), marker: p.marker };
  writeFileSync(p.pidFile, JSON.stringify(rec));
  return child.pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the group we created with detached: true
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM the process group, wait, then SIGKILL. Removes the pid file. */
export async function stopProcess(p: Pick<ManagedProcess, 'pidFile' | 'marker'>, graceMs = 10_000): Promise<void> {
  const pid = readPid(p);
  if (pid !== undefined) {
    signalGroup(pid, 'SIGCONT'); // a paused process cannot handle SIGTERM
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isOurs(pid, p.marker) && Date.now() < deadline) await sleep(100);
  }
  await killProcess(p);
}

/**
 * SIGKILL the process group if it is still ours, and wait until it is gone. Removes the pid file.
 * A forced restart calls it first: a process that has logged its crash point but not yet died is
 * still "running", and starting over it would adopt the dying pid instead of starting a new one.
 */
export async function killProcess(p: Pick<ManagedProcess, 'pidFile' | 'marker'>): Promise<void> {
  const pid = readPid(p);
  if (pid !== undefined && isOurs(pid, p.marker)) {
    signalGroup(pid, 'SIGKILL');
    // Until it is gone or a zombie: an exiting process loses its command line before its sockets.
    const deadline = Date.now() + 30_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`pid ${pid} still alive 30 s after SIGKILL`);
      await sleep(25);
    }
  }
  rmSync(p.pidFile, { force: true });
}

/** Sends a signal to the whole group (SIGKILL, SIGSTOP, SIGCONT) for fault injection. */
export function signalProcess(p: Pick<ManagedProcess, 'pidFile' | 'marker' | 'name'>, signal: NodeJS.Signals): number {
  const pid = readPid(p);
  if (pid === undefined) throw new Error(`${p.name} is not running`);
  signalGroup(pid, signal);
  return pid;
}

export function tailLog(logFile: string, lines = 25): string {
  if (!existsSync(logFile)) return '(no log written)';
  const all = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

export class StartError extends Error {
  constructor(component: string, reason: string, logFile?: string) {
    super(`${component} failed to start: ${reason}` + (logFile ? `\n--- last lines of ${logFile} ---\n${tailLog(logFile)}` : ''));
    this.name = 'StartError';
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; alive?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.alive && !opts.alive()) throw new Error(`${what}: the process exited`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${opts.timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 200);
  }
}
