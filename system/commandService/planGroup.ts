// Pure planning of one group of commands that will share a transaction. Given what the group's
// first round trip read (stored answers of its idempotency keys, current state of its streams,
// locked), decide each command in arrival order against the state the earlier ones leave, and
// collect every row the group writes. Each command gets its own outcome: a domain error in one
// (conflict, validation, 404/410) writes nothing for it and never touches the others.
import { randomUUID } from 'node:crypto';
import { FaultlineError, IdempotencyKeyReuseError } from '../shared/errors.ts';
import { SCHEMA_VERSION, type EventEnvelope } from '../shared/events.ts';
import { decide, type Command } from './decide.ts';
import { evolve, INITIAL_STATE, type UserState } from './evolve.ts';

export interface CommandRequestContext {
  correlationId: string;
  traceparent?: string;
  idempotencyKey?: string;
  /** sha256 of what identifies the request (see requestHash); compared on key reuse. */
  requestHash: string;
}

export interface CommandResponseBody {
  id: string;
  version: number;
  eventId: string;
  correlationId: string;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: CommandResponseBody;
}

export interface CommandResult {
  status: number;
  body: CommandResponseBody;
  replayed: boolean; // true: the first answer to this Idempotency-Key, nothing written
  events: EventEnvelope[]; // appended by this command (empty on replay)
}

export interface PendingCommand {
  command: Command;
  ctx: CommandRequestContext;
}

export type Outcome = { ok: true; result: CommandResult } | { ok: false; error: FaultlineError };

export interface GroupPlan {
  outcomes: Outcome[]; // one per command, same order
  events: EventEnvelope[]; // to append, in order
  users: Map<string, UserState>; // final USER_DATA state of every stream the group changed
  dedup: Array<{ key: string; stored: StoredResponse }>;
}

export interface GroupReads {
  stored: ReadonlyMap<string, StoredResponse>; // by idempotency key
  states: ReadonlyMap<string, UserState>; // by stream id; absent streams are missing
}

const STATUS_BY_COMMAND: Record<Command['type'], number> = { RegisterUser: 201, RenameUser: 200, DeleteUser: 200 };

const replayOf = (stored: StoredResponse, ctx: CommandRequestContext): Outcome =>
  stored.requestHash === ctx.requestHash
    ? { ok: true, result: { status: stored.status, body: stored.body, replayed: true, events: [] } }
    : { ok: false, error: new IdempotencyKeyReuseError(ctx.idempotencyKey!) };

export function planGroup(
  pending: readonly PendingCommand[],
  reads: GroupReads,
  ids: { now: () => Date; newEventId: () => string },
): GroupPlan {
  const states = new Map(reads.states);
  const stored = new Map(reads.stored); // grows with the answers this group will store
  const plan: GroupPlan = { outcomes: [], events: [], users: new Map(), dedup: [] };
  const occurredAt = ids.now().toISOString();
  for (const { command, ctx } of pending) {
    const key = ctx.idempotencyKey;
    const earlier = key === undefined ? undefined : stored.get(key);
    if (earlier) {
      plan.outcomes.push(replayOf(earlier, ctx));
      continue;
    }
    const state = states.get(command.userId) ?? INITIAL_STATE;
    let decided;
    try {
      decided = decide(state, command);
    } catch (err) {
      if (!(err instanceof FaultlineError)) throw err;
      plan.outcomes.push({ ok: false, error: err }); // a failed command keeps no key: a retry decides again
      continue;
    }
    const causationId = key ?? randomUUID();
    const events: EventEnvelope[] = decided.map((d, i) => ({
      eventId: ids.newEventId(),
      streamId: command.userId,
      streamVersion: state.version + i + 1,
      type: d.type,
      schemaVersion: SCHEMA_VERSION,
      occurredAt,
      correlationId: ctx.correlationId,
      causationId,
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
      payload: d.payload,
    }));
    const next = events.reduce<UserState>((s, e) => evolve(s, e), state);
    states.set(command.userId, next);
    plan.users.set(command.userId, next);
    plan.events.push(...events);
    const last = events[events.length - 1]!;
    const body: CommandResponseBody = {
      id: command.userId,
      version: last.streamVersion,
      eventId: last.eventId,
      correlationId: ctx.correlationId,
    };
    const status = STATUS_BY_COMMAND[command.type];
    if (key !== undefined) {
      const answer = { requestHash: ctx.requestHash, status, body };
      stored.set(key, answer);
      plan.dedup.push({ key, stored: answer });
    }
    plan.outcomes.push({ ok: true, result: { status, body, replayed: false, events } });
  }
  return plan;
}
