// Stopping what the harness started, by pid file and process group, with real child processes.
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, killProcess, type ManagedProcess, readPid, startProcess } from './processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-processes-'));

function sleeper(name: string, script: string): ManagedProcess {
  return {
    name,
    pidFile: join(dir, `${name}.pid`),
    logFile: join(dir, `${name}.log`),
    command: process.execPath,
    args: ['-e', script, '--', `--${name}`],
    marker: `--${name}`,
  };
}

/** Started, and exec'd: until then its command line is still the parent's, and the pid is not yet "ours". */
async function started(p: ManagedProcess): Promise<number> {
  const pid = startProcess(p);
  const deadline = Date.now() + 10_000;
  while (readPid(p) !== pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(readPid(p)).toBe(pid);
  return pid;
}

describe('killProcess', () => {
  it('kills a process that would otherwise live on, waits until it is gone and removes its pid file', async () => {
    const p = sleeper('long-sleeper', 'setTimeout(() => undefined, 60_000)');
    const pid = await started(p);
    await killProcess(p);
    expect(isAlive(pid)).toBe(false);
    expect(readPid(p)).toBeUndefined();
    expect(existsSync(p.pidFile)).toBe(false);
  });

  it('ignoring SIGTERM does not save it', async () => {
    const p = sleeper('stubborn', "process.on('SIGTERM', () => undefined); setTimeout(() => undefined, 60_000)");
    const pid = await started(p);
    await killProcess(p);
    expect(isAlive(pid)).toBe(false);
  });

  it('is a no-op for a process that is already gone', async () => {
    const p = sleeper('short', 'process.exit(0)');
    const pid = startProcess(p);
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
    await killProcess(p);
    expect(existsSync(p.pidFile)).toBe(false);
  });
});
