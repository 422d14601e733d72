// Runs one CLI of a scratch copy as a child in its own process group, output to a log file, with a
// time limit. The currently running child is tracked so a signal to the self-test can stop it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export interface ChildResult {
  exitCode: number | null;
  timedOut: boolean;
}

let current: { pid: number } | null = null;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM the running child's group (it heals and stops its system on SIGTERM), SIGKILL after graceMs. */
export async function stopCurrentChild(graceMs = 30_000): Promise<void> {
  const c = current;
  if (!c) return;
  signalGroup(c.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (current === c && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (current === c) signalGroup(c.pid, 'SIGKILL');
}

/** `node --import tsx <args>` in `cwd`: a script and its arguments, or `--eval` code. */
export function runChild(o: {
  cwd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  timeoutMs: number;
}): Promise<ChildResult> {
  const out = openSync(o.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', ...o.args], {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) return Promise.resolve({ exitCode: null, timedOut: false });
  const me = { pid: child.pid };
  current = me;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopCurrentChild();
  }, o.timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (current === me) current = null;
      resolve({ exitCode: code, timedOut });
    });
  });
}

export function logTail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
