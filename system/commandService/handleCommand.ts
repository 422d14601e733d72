// A command's way through the service: requests carrying an Idempotency-Key that is already in
// flight wait for that first request instead of racing it (so 200 concurrent retries get the first
// answer, not a 409, a 410 or a deadlock), and one answered moments ago is replayed from memory;
// then the group committer decides and commits it with whatever else arrived at the same time; in
// dual-write mode the events are then published from the request path (the seed's design, which
// loses events). A retry with a known key replays the stored
// first answer and writes nothing; the same key with a different request is a 422.
import { createHash } from 'node:crypto';
import { crashPoint } from '../shared/crashPoints.ts';
import { isRetriableDbError, type Pool } from '../shared/db.ts';
import { DependencyUnavailableError, IdempotencyKeyReuseError } from '../shared/errors.ts';
import type { EventEnvelope } from '../shared/events.ts';
import type { Logger } from '../shared/logger.ts';
import type { CommandPublishMode } from '../shared/modes.ts';
import type { Command } from './decide.ts';
import type { EventPublisher } from './dualWritePublisher.ts';
import { getGroupCommitter } from './groupCommit.ts';
import type { CommandRequestContext, CommandResult } from './planGroup.ts';

export type { CommandRequestContext, CommandResponseBody, CommandResult } from './planGroup.ts';

export interface CommandHandlerDeps {
  pool: Pool;
  publishMode: CommandPublishMode;
  publisher?: EventPublisher; // required in dual-write mode
  logger: Logger;
  group: { maxCommands: number; concurrency: number; lockRetryBudgetMs: number; queryTimeoutMs: number };
  now?: () => Date;
  newEventId?: () => string;
  onDualWriteFailure?: (err: unknown) => void;
  onGroup?: (size: number, seconds: number) => void;
}

/** Canonical JSON (sorted keys) so that key order does not change a request's identity. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function requestHash(parts: { method: string; path: string; ifMatch?: string | undefined; body: unknown }): string {
  return createHash('sha256')
    .update(canonicalJson([parts.method, parts.path, parts.ifMatch ?? null, parts.body ?? null]))
    .digest('hex');
}

interface InFlight {
  requestHash: string;
  done: Promise<CommandResult>;
}

/** Recent first answers kept in memory (stored answers never change, so a copy cannot go stale):
 *  a burst of retries of one key is answered without a round trip or a row lock. */
const RECENT_ANSWERS = 10_000;

export function getCommandHandler(deps: CommandHandlerDeps) {
  if (deps.publishMode === 'dual-write' && !deps.publisher) throw new Error('dual-write mode needs a publisher');
  const committer = getGroupCommitter({
    pool: deps.pool,
    outbox: deps.publishMode === 'outbox',
    ...deps.group,
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newEventId ? { newEventId: deps.newEventId } : {}),
    ...(deps.onGroup ? { onGroup: deps.onGroup } : {}),
  });
  const inFlight = new Map<string, InFlight>();
  const recent = new Map<string, { requestHash: string; result: CommandResult }>(); // insertion order = age

  function remember(key: string, requestHash: string, result: CommandResult): void {
    recent.delete(key);
    recent.set(key, { requestHash, result: { status: result.status, body: result.body, replayed: true, events: [] } });
    if (recent.size > RECENT_ANSWERS) recent.delete(recent.keys().next().value!);
  }

  async function execute(command: Command, ctx: CommandRequestContext): Promise<CommandResult> {
    try {
      const result = await committer.submit({ command, ctx });
      if (deps.publishMode === 'dual-write' && result.events.length > 0) {
        crashPoint('command-service.dual-write.after-commit-before-publish', { eventIds: result.events.map((e) => e.eventId) });
        await publishAfterCommit(result.events);
      }
      return result;
    } catch (err) {
      // Link/server failures: the outcome may be unknown (COMMIT lost); the client retries with its key.
      if (isRetriableDbError(err)) throw new DependencyUnavailableError('commands-db', err);
      throw err;
    }
  }

  /** Waits for the request already in flight with this key; its answer is the first answer. */
  async function followFirst(first: InFlight, command: Command, ctx: CommandRequestContext): Promise<CommandResult> {
    const answer = await first.done.catch(() => undefined);
    // The first failed (nothing stored, or the outcome is unknown): decide this one on its own.
    if (!answer) return handleCommand(command, ctx);
    if (first.requestHash !== ctx.requestHash) throw new IdempotencyKeyReuseError(ctx.idempotencyKey!);
    return { status: answer.status, body: answer.body, replayed: true, events: [] };
  }

  async function handleCommand(command: Command, ctx: CommandRequestContext): Promise<CommandResult> {
    const key = ctx.idempotencyKey;
    if (key === undefined) return execute(command, ctx);
    const first = inFlight.get(key);
    if (first) return followFirst(first, command, ctx);
    const known = recent.get(key);
    if (known) {
      if (known.requestHash !== ctx.requestHash) throw new IdempotencyKeyReuseError(key);
      return known.result;
    }
    const done = execute(command, ctx);
    const entry: InFlight = { requestHash: ctx.requestHash, done };
    inFlight.set(key, entry);
    try {
      const result = await done;
      remember(key, ctx.requestHash, result); // a replay was only given for an equal request hash
      return result;
    } finally {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    }
  }

  async function publishAfterCommit(events: EventEnvelope[]): Promise<void> {
    try {
      await deps.publisher!.publish(events);
    } catch (err) {
      // Deliberately swallowed: committed, answered "ok", and the event is lost. That is the bug.
      deps.onDualWriteFailure?.(err);
      deps.logger.error({ err, eventIds: events.map((e) => e.eventId) }, 'dual-write publish failed after commit; event lost');
    }
  }

  return handleCommand;
}

export type CommandHandler = ReturnType<typeof getCommandHandler>;
