// Test support: builds a consistent CheckInput from a command list (what a healthy run leaves
// behind), so each checker test breaks exactly one thing. Used only by *.unit.spec.ts. It uses no
// harness model or fold: the expected state is built by hand, next to the events.
import { HEADERS } from '../../system/shared/events.ts';
import type { CommandOp, FaultWindow, Outcome } from '../history/types.ts';
import type { Command } from '../workload/commands.ts';
import type {
  AppliedEventRow,
  CheckInput,
  DeadLetterLogRow,
  ParkedEventRow,
  ParkLogRow,
  PoisonInjection,
  ReadUserDataRow,
  TopicRecord,
  UserDataRow,
  WriteEventRow,
} from './types.ts';

/** CheckInput with mutable arrays, so a test can break one thing in place. */
export interface TestInput extends CheckInput {
  history: CommandOp[];
  faults: FaultWindow[];
  write: { events: WriteEventRow[]; users: UserDataRow[] };
  read: {
    users: ReadUserDataRow[];
    applied: AppliedEventRow[];
    parked: ParkedEventRow[];
    parkLog?: ParkLogRow[];
    deadLetters?: DeadLetterLogRow[];
  };
  topics: { events: TopicRecord[]; dlq: TopicRecord[] };
  poison: PoisonInjection[];
}

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
export const wall = (ms: number) => new Date(T0 + ms).toISOString();
export const DATE_REGISTER = '2026-11-28T12:00:00.000Z';
const TYPE = { register: 'UserRegistered', rename: 'UserRenamed', delete: 'UserDeleted' } as const;

/**
 * The service's answer to `c`, by hand: deliberately NOT the harness model (model.ts), whose
 * fold the checkers use, so a healthy run is built independently of what it tests.
 */
function answer(rows: ReadonlyMap<string, UserDataRow>, c: Command): { status: number; version?: number } {
  const row = rows.get(c.userId);
  if (c.kind === 'register') return row ? { status: 409 } : { status: 201, version: 1 };
  if (!row) return { status: 404 };
  if (row.deleted) return { status: 410 };
  if (c.expectedVersion !== undefined && c.expectedVersion !== row.version) return { status: 409 };
  return { status: 200, version: row.version + 1 };
}

export function healthyRun(cmds: Command[], outcomeOverride: Record<number, Outcome> = {}): TestInput {
  const rows = new Map<string, UserDataRow>();
  const history: CommandOp[] = [];
  const events: WriteEventRow[] = [];
  cmds.forEach((c, i) => {
    const { status, version: v } = answer(rows, c);
    const op: CommandOp = {
      id: i,
      process: 0,
      kind: c.kind,
      userId: c.userId,
      idempotencyKey: `key-${i}`,
      invoke: { ms: i * 10, wall: wall(i * 10) },
      complete: { ms: i * 10 + 5, wall: wall(i * 10 + 5) },
      outcome: v !== undefined ? 'ok' : 'fail',
      status,
    };
    if ('name' in c) op.name = c.name;
    if ('expectedVersion' in c && c.expectedVersion !== undefined) op.expectedVersion = c.expectedVersion;
    if (v !== undefined) {
      const eventId = `e-${c.userId}-${v}`;
      Object.assign(op, { version: v, eventId });
      const payload = c.kind === 'register' ? { name: c.name, dateRegister: DATE_REGISTER } : c.kind === 'rename' ? { name: c.name } : {};
      events.push({
        eventId,
        streamId: c.userId,
        streamVersion: v,
        type: TYPE[c.kind],
        payload,
        occurredAt: wall(i * 10 + 3),
        causationId: op.idempotencyKey,
      });
      const row = rows.get(c.userId);
      if (c.kind === 'register')
        rows.set(c.userId, { idUserData: c.userId, name: c.name, dateRegister: DATE_REGISTER, version: v, deleted: false });
      else rows.set(c.userId, { ...row!, version: v, ...(c.kind === 'rename' ? { name: c.name } : { deleted: true }) });
    }
    const forced = outcomeOverride[i];
    if (forced) op.outcome = forced;
    history.push(op);
  });
  const users: UserDataRow[] = [...rows.values()];
  const records: TopicRecord[] = events.map((e, i) => ({
    partition: 0,
    offset: String(i),
    key: e.streamId,
    value: JSON.stringify(e),
    timestamp: String(T0 + i * 10 + 4),
    headers: {
      [HEADERS.eventId]: e.eventId,
      [HEADERS.eventType]: e.type,
      [HEADERS.causationId]: e.causationId ?? '',
      [HEADERS.streamVersion]: String(e.streamVersion),
    },
  }));
  const applied: AppliedEventRow[] = events.map((e, i) => ({
    eventId: e.eventId,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    partition: 0,
    offset: String(i),
    appliedAt: wall(i * 10 + 6),
  }));
  const readUsers: ReadUserDataRow[] = users.map((u) => ({ ...u, appliedCount: u.version }));
  return {
    history,
    faults: [],
    write: { events, users },
    read: { users: readUsers, applied, parked: [] },
    topics: { events: records, dlq: [] },
    poison: [],
  };
}

/** Two users, five events, one failing command (rename of a missing user). */
export const BASIC: Command[] = [
  { kind: 'register', userId: 'a', name: 'Ann' },
  { kind: 'register', userId: 'b', name: 'Bob' },
  { kind: 'rename', userId: 'a', name: 'Anna' },
  { kind: 'rename', userId: 'zz', name: 'Nobody' }, // fails: not found
  { kind: 'rename', userId: 'a', name: 'Annie', expectedVersion: 2 },
  { kind: 'delete', userId: 'b' },
];

export const without = <T>(xs: readonly T[], pred: (x: T) => boolean): T[] => xs.filter((x) => !pred(x));
