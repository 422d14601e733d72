// The harness's ONE domain model (the oracle): one `UserState`, one `evolve`, and everything else
// built on them — `decide` predicts the command service's answer, `applyCommand` steps the model,
// `foldEvents` folds stored events (write-diverged, diverged). A simplification of the system
// (never a copy of it): per user name, registration date, version and deleted. Field rules come from the system's one definition (fields.ts).
import { NAME_MAX_CODE_POINTS, codePointLength, dateProblem, nameProblem } from '../../system/shared/fields.ts';
import type { Command } from './commands.ts';

export interface UserState {
  userId: string;
  name: string;
  version: number; // last stream version
  deleted: boolean;
  dateRegister?: string; // from UserRegistered; absent when the source did not carry it
}

export type WriteModel = ReadonlyMap<string, UserState>;

/** The event shape the fold needs: the write-side `events` row, the envelope, or a predicted event. */
export interface FoldableEvent {
  streamId: string;
  streamVersion: number;
  type: string;
  payload: unknown;
}

export const EVENT_TYPE_OF = { register: 'UserRegistered', rename: 'UserRenamed', delete: 'UserDeleted' } as const;

/** One event onto one user. Returns the next state, or the problem that makes it unfoldable. */
export function evolve(cur: UserState | undefined, e: FoldableEvent): { state: UserState | undefined; problem?: string } {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  if (e.type === 'UserRegistered') {
    const s: UserState = { userId: e.streamId, name: String(p.name ?? ''), version: e.streamVersion, deleted: false };
    if (typeof p.dateRegister === 'string') s.dateRegister = p.dateRegister;
    return { state: s };
  }
  if (e.type !== 'UserRenamed' && e.type !== 'UserDeleted') return { state: cur, problem: `unknown type ${e.type}` };
  if (!cur) return { state: cur, problem: `${e.type} before UserRegistered` };
  if (e.type === 'UserRenamed') return { state: { ...cur, name: String(p.name ?? ''), version: e.streamVersion } };
  return { state: { ...cur, deleted: true, version: e.streamVersion } };
}

export type Rejection = 'invalid' | 'exists' | 'not-found' | 'deleted' | 'version-conflict';
export type Decision =
  | { accepted: true; status: 200 | 201; event: FoldableEvent; state: UserState }
  | { accepted: false; reason: Rejection; status: 400 | 404 | 409 | 410; problem?: string };

const DEFAULT_DATE = '2026-11-28';
const reject = (reason: Rejection, status: 400 | 404 | 409 | 410, problem?: string): Decision =>
  problem === undefined ? { accepted: false, reason, status } : { accepted: false, reason, status, problem };

/** What the API's JSON schema rejects before any state is read: lengths and the date's shape. */
function schemaProblem(c: Command): string | undefined {
  if (c.kind === 'delete') return undefined;
  const n = codePointLength(c.name);
  if (n < 1 || n > NAME_MAX_CODE_POINTS) return `name length ${n}`;
  if (c.kind === 'register' && !/^\d{4}-\d{2}-\d{2}$/.test(c.dateRegister ?? DEFAULT_DATE)) return 'date shape';
  return undefined;
}

/**
 * What the command service answers, given the current state: schema checks first (400), then the
 * stream's state (register: 409 exists; others: 404 unknown, 410 deleted, 409 stale If-Match),
 * then the value rules the schema cannot say (400: blank, NUL, lone surrogate, date range).
 */
export function decide(model: WriteModel, c: Command): Decision {
  const shape = schemaProblem(c);
  if (shape) return reject('invalid', 400, shape);
  const cur = model.get(c.userId);
  if (c.kind === 'register') {
    if (cur) return reject('exists', 409);
    const dateRegister = c.dateRegister ?? DEFAULT_DATE;
    const bad = nameProblem(c.name) ?? dateProblem(dateRegister);
    if (bad) return reject('invalid', 400, bad);
    return accept(cur, 201, {
      streamId: c.userId,
      streamVersion: 1,
      type: EVENT_TYPE_OF.register,
      payload: { name: c.name, dateRegister },
    });
  }
  if (!cur) return reject('not-found', 404);
  if (cur.deleted) return reject('deleted', 410);
  if (c.expectedVersion !== undefined && c.expectedVersion !== cur.version) return reject('version-conflict', 409);
  if (c.kind === 'rename') {
    const bad = nameProblem(c.name);
    if (bad) return reject('invalid', 400, bad);
  }
  const payload = c.kind === 'rename' ? { name: c.name } : {};
  return accept(cur, 200, { streamId: c.userId, streamVersion: cur.version + 1, type: EVENT_TYPE_OF[c.kind], payload });
}

function accept(cur: UserState | undefined, status: 200 | 201, event: FoldableEvent): Decision {
  return { accepted: true, status, event, state: evolve(cur, event).state! };
}

export function applyCommand(model: WriteModel, c: Command): { model: WriteModel; decision: Decision } {
  const decision = decide(model, c);
  if (!decision.accepted) return { model, decision };
  const next = new Map(model);
  next.set(c.userId, decision.state);
  return { model: next, decision };
}

export interface FoldIssue {
  streamId: string;
  streamVersion: number;
  problem: string;
}

/** Folds events per stream in version order. Gaps and unknown types are reported, not thrown. */
export function foldEvents(events: readonly FoldableEvent[]): { model: Map<string, UserState>; issues: FoldIssue[] } {
  const model = new Map<string, UserState>();
  const issues: FoldIssue[] = [];
  const sorted = [...events].sort((a, b) =>
    a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.streamVersion - b.streamVersion,
  );
  for (const e of sorted) {
    const cur = model.get(e.streamId);
    const expected = (cur?.version ?? 0) + 1;
    if (e.streamVersion !== expected)
      issues.push({ streamId: e.streamId, streamVersion: e.streamVersion, problem: `expected version ${expected}` });
    const { state, problem } = evolve(cur, e);
    if (problem) issues.push({ streamId: e.streamId, streamVersion: e.streamVersion, problem });
    if (state) model.set(e.streamId, state);
  }
  return { model, issues };
}
