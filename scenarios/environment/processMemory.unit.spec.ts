import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { membersOf, parseStat, parseVmRssKb, residentKb, type ProcEntry } from './processMemory.ts';

const stat = (pid: number, comm: string, ppid: number, pgid: number) =>
  `${pid} (${comm}) S ${ppid} ${pgid} 13208 0 -1 4194304 122 0 0 0 0 0 0 0 20 0 1 0 77022 3133440 395\n`;
const status = (rssKb?: number) =>
  `Name:\tjava\nVmPeak:\t 9999999 kB\nVmSize:\t 3000000 kB\nVmHWM:\t  888888 kB\n${rssKb === undefined ? '' : `VmRSS:\t ${rssKb} kB\n`}RssAnon:\t  12 kB\nThreads:\t40\n`;

describe('/proc text', () => {
  it('reads ppid and process group after a command name holding spaces and parentheses', () => {
    expect(parseStat(stat(42, 'java (x) y', 7, 40))).toEqual({ pid: 42, ppid: 7, pgid: 40 });
    expect(parseStat('garbage')).toBeUndefined();
  });

  it('reads VmRSS, not the peak or virtual size; none for a zombie or kernel thread', () => {
    expect(parseVmRssKb(status(523_412))).toBe(523_412);
    expect(parseVmRssKb(status())).toBeUndefined();
  });
});

describe('which processes a pid stands for', () => {
  const procs: ProcEntry[] = [
    { pid: 1, ppid: 0, pgid: 1 },
    { pid: 100, ppid: 1, pgid: 100 }, // a leader (wrapper)
    { pid: 101, ppid: 100, pgid: 100 }, // its child, same group
    { pid: 102, ppid: 101, pgid: 102 }, // a grandchild that made its own group
    { pid: 103, ppid: 1, pgid: 100 }, // re-parented to init, still in the group
    { pid: 200, ppid: 1, pgid: 200 }, // another leader
    { pid: 300, ppid: 1, pgid: 300 }, // not ours
    { pid: 301, ppid: 300, pgid: 300 },
  ];

  it('the leader, its group, and descendants that left the group; nothing unrelated', () => {
    const m = membersOf(procs, [100, 200]);
    expect([...m.get(100)!].sort((a, b) => a - b)).toEqual([100, 101, 102, 103]);
    expect(m.get(200)).toEqual([200]);
  });

  it('a leader that is gone stands for nothing', () => {
    expect(membersOf(procs, [999]).get(999)).toEqual([]);
  });

  it('a process under two leaders counts once', () => {
    const m = membersOf(procs, [100, 101]);
    const all = [...m.get(100)!, ...m.get(101)!];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('resident kB from a /proc tree', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  const fakeProc = (procs: { pid: number; ppid: number; pgid: number; rssKb?: number }[]) => {
    dir = mkdtempSync(join(tmpdir(), 'proc-'));
    mkdirSync(join(dir, 'self'));
    for (const p of procs) {
      mkdirSync(join(dir, String(p.pid)));
      writeFileSync(join(dir, String(p.pid), 'stat'), stat(p.pid, 'x', p.ppid, p.pgid));
      writeFileSync(join(dir, String(p.pid), 'status'), status(p.rssKb));
    }
    return dir;
  };

  it('sums each named process with its children; a gone pid is absent, not zero', () => {
    const proc = fakeProc([
      { pid: 10, ppid: 1, pgid: 10, rssKb: 1000 }, // launcher
      { pid: 11, ppid: 10, pgid: 10, rssKb: 500_000 }, // the JVM
      { pid: 20, ppid: 1, pgid: 20, rssKb: 90_000 },
      { pid: 21, ppid: 20, pgid: 20 }, // a zombie child: no VmRSS
      { pid: 30, ppid: 1, pgid: 30, rssKb: 7_000_000 }, // someone else's
    ]);
    expect(residentKb({ 'kafka-1': 10, relay: 20, projector: 99 }, proc)).toEqual({ 'kafka-1': 501_000, relay: 90_000 });
  });
});
