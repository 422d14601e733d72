import { readFileSync } from 'node:fs';
import type { CommandOp, CrashEntry, FaultWindow, HistoryEntry, InjectionEntry, MetaEntry, ReadEntry } from './types.ts';

export class HistoryParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`history.jsonl line ${line}: ${message}`);
  }
}

const TYPES = new Set(['invoke', 'complete', 'fault', 'meta', 'inject', 'read', 'page', 'crash']);

/** Parses JSONL text. A truncated last line (the harness died mid-write) is dropped, not fatal. */
export function parseHistory(text: string): HistoryEntry[] {
  const lines = text.split('\n');
  const out: HistoryEntry[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn final write
      throw new HistoryParseError(i + 1, 'not JSON');
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !TYPES.has(type)) throw new HistoryParseError(i + 1, `unknown entry type ${JSON.stringify(type)}`);
    out.push(value as HistoryEntry);
  });
  return out;
}

export function readHistory(path: string): HistoryEntry[] {
  return parseHistory(readFileSync(path, 'utf8'));
}

/** Pairs invokes with completions; an op never completed is `unknown` with `complete: null`. */
export function toOperations(entries: readonly HistoryEntry[]): CommandOp[] {
  const ops = new Map<number, CommandOp>();
  for (const e of entries) {
    if (e.type === 'invoke') {
      const { type: _t, t, ...rest } = e;
      ops.set(e.id, { ...rest, invoke: t, complete: null, outcome: 'unknown' });
    } else if (e.type === 'complete') {
      const op = ops.get(e.id);
      if (!op) continue; // completion without invoke: ignore rather than invent an op
      const { type: _t, t, id: _id, ...result } = e;
      Object.assign(op, result, { complete: t });
    }
  }
  return [...ops.values()].sort((a, b) => a.id - b.id);
}

/** Pairs fault starts with stops by fault id (a fault id may repeat: pairs in order). */
export function toFaultWindows(entries: readonly HistoryEntry[]): FaultWindow[] {
  const open = new Map<number, FaultWindow[]>();
  const out: FaultWindow[] = [];
  for (const e of entries) {
    if (e.type !== 'fault') continue;
    if (e.phase === 'start') {
      const w: FaultWindow = {
        faultId: e.faultId,
        fault: e.fault,
        target: e.target,
        ...(e.traits ? { traits: e.traits } : {}),
        ...(e.began ? { began: e.began } : {}),
        start: e.t,
        stop: null,
      };
      if (e.params) w.params = e.params;
      if (e.error) w.error = e.error;
      out.push(w);
      open.set(e.faultId, [...(open.get(e.faultId) ?? []), w]);
    } else {
      const w = open.get(e.faultId)?.shift();
      if (!w) continue;
      w.stop = e.t;
      if (e.error) w.error = w.error ? `${w.error}; ${e.error}` : e.error;
    }
  }
  return out;
}

export function metaOf(entries: readonly HistoryEntry[]): MetaEntry | undefined {
  return entries.find((e): e is MetaEntry => e.type === 'meta');
}

export const toInjections = (entries: readonly HistoryEntry[]): InjectionEntry[] =>
  entries.filter((e): e is InjectionEntry => e.type === 'inject');
export const toReads = (entries: readonly HistoryEntry[]): ReadEntry[] => entries.filter((e): e is ReadEntry => e.type === 'read');
export const toCrashes = (entries: readonly HistoryEntry[]): CrashEntry[] => entries.filter((e): e is CrashEntry => e.type === 'crash');
