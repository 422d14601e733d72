import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClock, type Clock } from './clock.ts';
import type {
  CompletionResult,
  CrashEntry,
  FaultEntry,
  HistoryEntry,
  InjectionEntry,
  InvokeEntry,
  MetaEntry,
  PageEntry,
  ReadEntry,
  Timestamp,
} from './types.ts';

/** Where lines go. Sync by design: a line written is on disk even if the harness dies next. */
export interface HistorySink {
  write(line: string): void;
  close(): void;
}

export function fileSink(path: string): HistorySink {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  let open = true;
  return {
    write: (line) => {
      if (open) writeSync(fd, line);
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export function memorySink(): HistorySink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (l) => void lines.push(l), close: () => {} };
}

export type InvokeInput = Omit<InvokeEntry, 'type' | 'id' | 't'>;
export type FaultInput = Omit<FaultEntry, 'type' | 'phase' | 't'>;

export interface HistoryRecorder {
  meta(m: Omit<MetaEntry, 'type' | 't'>): void;
  /** Records the invoke and returns its op id, to pass to `complete`. */
  invoke(op: InvokeInput): number;
  complete(id: number, result: CompletionResult): void;
  faultStart(f: FaultInput): void;
  faultStop(f: FaultInput): void;
  /** The history clock now (e.g. when a fault begins to be applied). */
  now(): Timestamp;
  /** A record the nemesis put on a topic (with where it landed). */
  inject(i: Omit<InjectionEntry, 'type' | 't'>): void;
  /** A query-API read, stamped when its answer arrived. */
  read(r: Omit<ReadEntry, 'type' | 't'>): void;
  /** A page of `GET /users`, stamped when its answer arrived (its items are recorded as reads too). */
  page(p: Omit<PageEntry, 'type' | 't'>): void;
  /** A crash point that fired inside a system process. */
  crash(c: Omit<CrashEntry, 'type' | 't'>): void;
  /** Everything recorded so far, in order (kept in memory for the checkers). */
  entries(): readonly HistoryEntry[];
  close(): void;
}

export function createRecorder({ sink, clock = createClock() }: { sink: HistorySink; clock?: Clock }): HistoryRecorder {
  const all: HistoryEntry[] = [];
  const pending = new Set<number>();
  let nextId = 0;
  const append = (e: HistoryEntry): void => {
    all.push(e);
    sink.write(JSON.stringify(e) + '\n');
  };
  return {
    meta: (m) => append({ type: 'meta', ...m, t: clock() }),
    invoke: (op) => {
      const id = nextId++;
      pending.add(id);
      append({ type: 'invoke', id, ...op, t: clock() });
      return id;
    },
    complete: (id, result) => {
      // A second completion would make the op's outcome ambiguous: refuse it loudly.
      if (!pending.delete(id)) throw new Error(`history: op ${id} is not in flight`);
      append({ type: 'complete', id, ...result, t: clock() });
    },
    faultStart: (f) => append({ type: 'fault', phase: 'start', ...f, t: clock() }),
    faultStop: (f) => append({ type: 'fault', phase: 'stop', ...f, t: clock() }),
    now: () => clock(),
    inject: (i) => append({ type: 'inject', ...i, t: clock() }),
    read: (r) => append({ type: 'read', ...r, t: clock() }),
    page: (p) => append({ type: 'page', ...p, t: clock() }),
    crash: (c) => append({ type: 'crash', ...c, t: clock() }),
    entries: () => all.slice(),
    close: () => sink.close(),
  };
}
