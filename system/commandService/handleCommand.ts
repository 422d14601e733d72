// One command, ONE transaction on `commands`: idempotency check → load stream → decide → append
// event(s) (UNIQUE(stream_id, stream_version) = optimistic concurrency) → update USER_DATA →
// outbox row (outbox mode) → store the idempotency key with the response. Either all of it
// commits or none of it does; a retry with the same key replays the stored response and writes
// nothing.
import { createHash, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { isDuplicateKeyError, isRetriableDbError, withTransaction, type Pool } from '../shared/db.ts';
import { ConcurrencyError, DependencyUnavailableError, IdempotencyKeyReuseError } from '../shared/errors.ts';
import { SCHEMA_VERSION, type EventEnvelope } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import { decide, type Command } from './decide.ts';
import type { EventPublisher } from './dualWritePublisher.ts';
import {
  appendEvents,
  applyToUserData,
  currentVersion,
  findDedup,
  insertDedup,
  insertOutbox,
  loadStream,
} from './eventStore.ts';
import { fold } from './evolve.ts';

export type PublishMode = 'outbox' | 'dual-write';

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

export interface CommandResult {
  status: number;
  body: CommandResponseBody;
  replayed: boolean; // true: answered from command_dedup, nothing written
  events: EventEnvelope[]; // appended by this call (empty on replay)
}

export interface CommandHandlerDeps {
  pool: Pool;
  publishMode: PublishMode;
  publisher?: EventPublisher; // required in dual-write mode
  logger: Logger;
  now?: () => Date;
  newEventId?: () => string;
  onDualWriteFailure?: (err: unknown) => void;
}

/** Canonical JSON (sorted keys) so that key order does not change a request's identity. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function requestHash(parts: { method: string; path: string; ifMatch?: string | undefined; body: unknown }): string {
  return createHash('sha256').update(canonicalJson([parts.method, parts.path, parts.ifMatch ?? null, parts.body ?? null])).digest('hex');
}

const CONFLICT_RETRIES = 3; // internal re-decides when no If-Match was given (last writer wins)
const STATUS_BY_COMMAND: Record<Command['type'], number> = { RegisterUser: 201, RenameUser: 200, DeleteUser: 200 };

export function getCommandHandler(deps: CommandHandlerDeps) {
  const now = deps.now ?? (() => new Date());
  const newEventId = deps.newEventId ?? (() => uuidv7());
  if (deps.publishMode === 'dual-write' && !deps.publisher) throw new Error('dual-write mode needs a publisher');

  async function replayIfKnown(ctx: CommandRequestContext): Promise<CommandResult | undefined> {
    if (!ctx.idempotencyKey) return undefined;
    const stored = await findDedup(deps.pool, ctx.idempotencyKey);
    if (!stored) return undefined;
    if (stored.requestHash !== ctx.requestHash) throw new IdempotencyKeyReuseError(ctx.idempotencyKey);
    return { status: stored.status, body: stored.body as CommandResponseBody, replayed: true, events: [] };
  }

  async function attempt(command: Command, ctx: CommandRequestContext): Promise<CommandResult> {
    return withTransaction(deps.pool, async (conn) => {
      const state = fold(await loadStream(conn, command.userId));
      const decided = decide(state, command);
      const occurredAt = now().toISOString();
      const causationId = ctx.idempotencyKey ?? randomUUID();
      const events: EventEnvelope[] = decided.map((d, i) => ({
        eventId: newEventId(),
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
      await appendEvents(conn, events);
      for (const e of events) {
        // The guard can only fail if USER_DATA was changed outside the event store.
        if (!(await applyToUserData(conn, e))) throw new ConcurrencyError(e.streamId, e.streamVersion - 1, null);
      }
      if (deps.publishMode === 'outbox') await insertOutbox(conn, events);
      const last = events[events.length - 1]!;
      const body: CommandResponseBody = { id: command.userId, version: last.streamVersion, eventId: last.eventId, correlationId: ctx.correlationId };
      const status = STATUS_BY_COMMAND[command.type];
      if (ctx.idempotencyKey) await insertDedup(conn, ctx.idempotencyKey, { requestHash: ctx.requestHash, status, body });
      return { status, body, replayed: false, events };
    });
  }

  return async function handleCommand(command: Command, ctx: CommandRequestContext): Promise<CommandResult> {
    try {
      const replay = await replayIfKnown(ctx);
      if (replay) return replay;
      for (let i = 0; ; i++) {
        try {
          const result = await attempt(command, ctx);
          if (deps.publishMode === 'dual-write') await publishAfterCommit(result.events);
          return result;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          // A concurrent request won: the same key (replay its answer), or the same stream version.
          const replayed = await replayIfKnown(ctx);
          if (replayed) return replayed;
          const expected = 'expectedVersion' in command ? command.expectedVersion : undefined;
          if (expected === undefined && i + 1 < CONFLICT_RETRIES) continue;
          const actual = await currentVersion(deps.pool, command.userId);
          throw new ConcurrencyError(command.userId, expected ?? actual - 1, actual);
        }
      }
    } catch (err) {
      // Link/server failures: the outcome may be unknown (COMMIT lost); the client retries with its key.
      if (isRetriableDbError(err)) throw new DependencyUnavailableError('commands-db', err);
      throw err;
    }
  };

  async function publishAfterCommit(events: EventEnvelope[]): Promise<void> {
    try {
      await deps.publisher!.publish(events);
    } catch (err) {
      // Deliberately swallowed: committed, answered "ok", and the event is lost. That is the bug.
      deps.onDualWriteFailure?.(err);
      deps.logger.error({ err, eventIds: events.map((e) => e.eventId) }, 'dual-write publish failed after commit; event lost');
    }
  }
}

export type CommandHandler = ReturnType<typeof getCommandHandler>;
