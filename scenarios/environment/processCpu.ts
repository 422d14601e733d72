// CPU time (user + system) of the processes this host runs for an environment, read from
// /proc/<pid>/stat. Each named pid counts with its process group and descendants, as for memory
// (processMemory.ts): a JVM launcher or a shell wrapper does its work in children.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { listProcesses, membersOf } from './processMemory.ts';

/** utime + stime of one /proc/<pid>/stat line, in clock ticks; undefined when it does not parse. */
export function parseCpuTicks(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
  const f = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const ticks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

let ticksPerSecond: number | undefined;
/** The kernel's USER_HZ (getconf CLK_TCK); 100 where getconf is missing, as on every Linux build we run on. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU-seconds used so far by each named process with its group and descendants, from one scan of
 * /proc. A name whose pid is gone is left out (absent, not zero). Children that already exited
 * are not counted: the servers and system processes keep their workers.
 */
export function cpuSeconds(pids: Readonly<Record<string, number>>, proc = '/proc'): Record<string, number> {
  const names = Object.entries(pids);
  const members = membersOf(
    listProcesses(proc),
    names.map(([, pid]) => pid),
  );
  const hz = clockTicksPerSecond();
  const out: Record<string, number> = {};
  for (const [name, pid] of names) {
    const group = members.get(pid) ?? [];
    if (!group.includes(pid)) continue;
    let ticks = 0;
    for (const m of group) {
      try {
        ticks += parseCpuTicks(readFileSync(`${proc}/${m}/stat`, 'utf8')) ?? 0;
      } catch {
        // ended between the listing and the read
      }
    }
    out[name] = ticks / hz;
  }
  return out;
}

/** after − before per name present in both (a process replaced in between would count wrong). */
export function cpuDelta(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(after)) {
    const b = before[name];
    if (b !== undefined && v >= b) out[name] = v - b;
  }
  return out;
}
