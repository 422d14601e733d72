// A simplification of the write side (STYLE.md: the model is never a copy of the system):
// per user, name + version + deleted. Used to predict outcomes and to fold events for checkers.
import type { CommandOp } from '../history/types.ts';
import type { Command } from './commands.ts';

export interface UserState {
  userId: string;
  name: string;
  version: number; // last stream version
  deleted: boolean;
  dateRegister?: string; // from the UserRegistered payload, when folding events
}

export type WriteModel = ReadonlyMap<string, UserState>;

export type Rejection = 'exists' | 'not-found' | 'deleted' | 'version-conflict';
export type Decision =
  | { accepted: true; state: UserState }
  | { accepted: false; reason: Rejection; status: 404 | 409 };

/** What the command service should answer, given the current state (the domain rules). */
export function decide(model: WriteModel, c: Command): Decision {
  const cur = model.get(c.userId);
  if (c.kind === 'register') {
    if (cur) return { accepted: false, reason: 'exists', status: 409 };
    return { accepted: true, state: { userId: c.userId, name: c.name, version: 1, deleted: false } };
  }
  if (!cur) return { accepted: false, reason: 'not-found', status: 404 };
  if (cur.deleted) return { accepted: false, reason: 'deleted', status: 404 };
  if (c.expectedVersion !== undefined && c.expectedVersion !== cur.version)
    return { accepted: false, reason: 'version-conflict', status: 409 };
  const next = { ...cur, version: cur.version + 1 };
  return { accepted: true, state: c.kind === 'rename' ? { ...next, name: c.name } : { ...next, deleted: true } };
}

export function applyCommand(model: WriteModel, c: Command): { model: WriteModel; decision: Decision } {
  const decision = decide(model, c);
  if (!decision.accepted) return { model, decision };
  const next = new Map(model);
  next.set(c.userId, decision.state);
  return { model: next, decision };
}

/** The event shape the fold needs: the write-side `events` row or the envelope. */
export interface FoldableEvent {
  streamId: string;
  streamVersion: number;
  type: string;
  payload: unknown;
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
  const sorted = [...events].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.streamVersion - b.streamVersion));
  for (const e of sorted) {
    const cur = model.get(e.streamId);
    const expected = (cur?.version ?? 0) + 1;
    if (e.streamVersion !== expected)
      issues.push({ streamId: e.streamId, streamVersion: e.streamVersion, problem: `expected version ${expected}` });
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === 'UserRegistered') {
      const s: UserState = { userId: e.streamId, name: String(p.name ?? ''), version: e.streamVersion, deleted: false };
      if (typeof p.dateRegister === 'string') s.dateRegister = p.dateRegister;
      model.set(e.streamId, s);
    } else if (!cur) {
      issues.push({ streamId: e.streamId, streamVersion: e.streamVersion, problem: `${e.type} before UserRegistered` });
    } else if (e.type === 'UserRenamed') {
      model.set(e.streamId, { ...cur, name: String(p.name ?? ''), version: e.streamVersion });
    } else if (e.type === 'UserDeleted') {
      model.set(e.streamId, { ...cur, deleted: true, version: e.streamVersion });
    } else {
      issues.push({ streamId: e.streamId, streamVersion: e.streamVersion, problem: `unknown type ${e.type}` });
    }
  }
  return { model, issues };
}

/**
 * What the write side must at least contain after these ops: the `ok` ops, per stream in the
 * order of the versions they were answered with. `unknown` ops may have applied too, so a user
 * touched by one is marked `uncertain` (its exact state cannot be predicted from the history).
 */
export function foldOkOps(ops: readonly CommandOp[]): { model: Map<string, UserState>; uncertain: Set<string> } {
  const uncertain = new Set(ops.filter((o) => o.outcome === 'unknown').map((o) => o.userId));
  const ok = ops
    .filter((o) => o.outcome === 'ok')
    .sort((a, b) => (a.version ?? Infinity) - (b.version ?? Infinity) || (a.complete?.ms ?? 0) - (b.complete?.ms ?? 0));
  const model = new Map<string, UserState>();
  for (const o of ok) {
    const cur = model.get(o.userId);
    const version = o.version ?? (cur?.version ?? 0) + 1;
    if (o.kind === 'register') model.set(o.userId, { userId: o.userId, name: o.name ?? '', version, deleted: false });
    else if (cur && o.kind === 'rename') model.set(o.userId, { ...cur, name: o.name ?? cur.name, version });
    else if (cur) model.set(o.userId, { ...cur, deleted: true, version });
    else uncertain.add(o.userId); // an ok rename/delete before any ok register: its register was unknown
  }
  return { model, uncertain };
}
