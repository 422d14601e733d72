// Resident memory of the processes this host runs for an environment, read from /proc. A process
// we started may be a wrapper whose real work runs in children (a JVM launcher, a shell), so each
// named pid counts with every process of its group (the local provider starts each one detached,
// so its pid leads a process group) and every descendant that left the group.
import { readdirSync, readFileSync } from 'node:fs';

/** One line of /proc/<pid>/stat, the fields that place a process in the tree. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

/** Parses /proc/<pid>/stat; the command name is in parentheses and may hold spaces or ')'. */
export function parseStat(text: string): ProcEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state, ppid, pgrp, …
  const [, ppid, pgid] = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const out = { pid, ppid: Number(ppid), pgid: Number(pgid) };
  return Number.isInteger(out.pid) && Number.isInteger(out.ppid) && Number.isInteger(out.pgid) ? out : undefined;
}

/** VmRSS of /proc/<pid>/status in kB; undefined for a kernel thread or a zombie (no VmRSS line). */
export function parseVmRssKb(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

/**
 * The processes each leader stands for: itself, the members of its process group, and every
 * descendant of any of those. A pid claimed by two leaders (one started the other) counts once,
 * for the first leader listed.
 */
export function membersOf(procs: readonly ProcEntry[], leaders: readonly number[]): Map<number, number[]> {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const owner = new Map<number, number>();
  const ownerOf = (p: ProcEntry, seen = new Set<number>()): number | undefined => {
    if (owner.has(p.pid)) return owner.get(p.pid);
    const leader = leaders.find((l) => l === p.pid || l === p.pgid);
    if (leader !== undefined) return leader;
    const parent = byPid.get(p.ppid);
    if (!parent || seen.has(p.pid)) return undefined;
    seen.add(p.pid);
    return ownerOf(parent, seen);
  };
  for (const p of procs) {
    const o = ownerOf(p);
    if (o !== undefined) owner.set(p.pid, o);
  }
  const out = new Map<number, number[]>(leaders.map((l) => [l, []]));
  for (const [pid, o] of owner) out.get(o)!.push(pid);
  return out;
}

function readOr<T>(path: string, parse: (text: string) => T | undefined): T | undefined {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

/** Every process visible in /proc now. */
export function listProcesses(proc = '/proc'): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const name of readdirSync(proc)) {
    if (!/^\d+$/.test(name)) continue;
    const e = readOr(`${proc}/${name}/stat`, parseStat);
    if (e) out.push(e);
  }
  return out;
}

/**
 * Resident kB of each named process with its group and descendants, from one scan of /proc.
 * A name whose pid is gone is left out: absent, not zero, so a killed server is not read as small.
 */
export function residentKb(pids: Readonly<Record<string, number>>, proc = '/proc'): Record<string, number> {
  const names = Object.entries(pids);
  const members = membersOf(
    listProcesses(proc),
    names.map(([, pid]) => pid),
  );
  const out: Record<string, number> = {};
  for (const [name, pid] of names) {
    const group = members.get(pid) ?? [];
    if (!group.includes(pid)) continue;
    let kb = 0;
    for (const m of group) kb += readOr(`${proc}/${m}/status`, parseVmRssKb) ?? 0;
    out[name] = kb;
  }
  return out;
}
