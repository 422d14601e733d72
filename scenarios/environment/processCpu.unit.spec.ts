import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clockTicksPerSecond, cpuDelta, cpuSeconds, parseCpuTicks } from './processCpu.ts';

// Fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
const stat = (pid: number, comm: string, ppid: number, pgid: number, utime: number, stime: number) =>
  `${pid} (${comm}) S ${ppid} ${pgid} 13208 0 -1 4194304 122 0 0 0 ${utime} ${stime} 999 999 20 0 1 0 77022 3133440 395\n`;

describe('CPU ticks of a /proc/<pid>/stat line', () => {
  it('utime + stime, after a command name holding spaces and parentheses; not the children’s cutime/cstime', () => {
    expect(parseCpuTicks(stat(42, 'java (x) y', 7, 40, 1234, 56))).toBe(1290);
    expect(parseCpuTicks('garbage')).toBeUndefined();
    expect(parseCpuTicks('1 (x) S 0 1')).toBeUndefined();
  });
});

describe('CPU-seconds from a /proc tree', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('sums each named process with its group and children; a gone pid is absent, not zero', () => {
    dir = mkdtempSync(join(tmpdir(), 'proc-'));
    const procs = [
      { pid: 10, ppid: 1, pgid: 10, u: 10, s: 5 }, // launcher
      { pid: 11, ppid: 10, pgid: 10, u: 3000, s: 1000 }, // the JVM
      { pid: 20, ppid: 1, pgid: 20, u: 200, s: 100 },
      { pid: 30, ppid: 1, pgid: 30, u: 99_999, s: 0 }, // someone else's
    ];
    for (const p of procs) {
      mkdirSync(join(dir, String(p.pid)));
      writeFileSync(join(dir, String(p.pid), 'stat'), stat(p.pid, 'x', p.ppid, p.pgid, p.u, p.s));
    }
    const hz = clockTicksPerSecond();
    expect(cpuSeconds({ 'kafka-1': 10, relay: 20, projector: 99 }, dir)).toEqual({ 'kafka-1': 4015 / hz, relay: 300 / hz });
  });

  it('a delta only for processes present before and after, never negative (a replaced process)', () => {
    expect(cpuDelta({ a: 1, b: 5, gone: 2 }, { a: 3.5, b: 1, fresh: 9 })).toEqual({ a: 2.5 });
  });
});
