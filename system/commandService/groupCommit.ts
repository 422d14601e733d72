// Group commit: commands that arrive while earlier groups are in flight queue up and go together
// into the next transaction: one read round trip, one write round trip and one log flush for all
// of them (a group of registrations only skips the read: unique keys answer it), each keeping its
// own outcome (planGroup). At most `concurrency` groups run at once; an idle service runs a lone
// command at once, so grouping adds no latency when there is no load.
//
// Failures of the group's transaction:
//   - deadlock / lock-wait timeout: the transaction is rolled back; the group is retried within
//     `lockRetryBudgetMs`, then every command of it gets a 503;
//   - the link or server failed: the COMMIT may or may not have happened; every command gets a
//     503 (the client retries with its Idempotency-Key and then gets the first answer);
//   - any other statement error (a duplicate key from a writer outside this process, a value the
//     strict SQL mode refuses): nothing was written; a group of several is split and each command
//     runs alone, so one bad command fails only itself; a lone command whose duplicate key means
//     "someone else won" is decided again on fresh reads.
import { v7 as uuidv7 } from 'uuid';
import { retry, RetriesExhaustedError } from '../shared/backoff.ts';
import { crashPoint } from '../shared/crashPoints.ts';
import { isConnectionError, isDuplicateKeyError, isLockError, type Pool } from '../shared/db.ts';
import { ConcurrencyError, DependencyUnavailableError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { beginAndRead, rollback, writeAndCommit } from './groupStore.ts';
import { planGroup, type CommandResult, type GroupReads, type Outcome, type PendingCommand } from './planGroup.ts';

export interface GroupCommitOptions {
  pool: Pool;
  outbox: boolean; // write outbox rows (PUBLISH_MODE=outbox)
  maxCommands: number;
  concurrency: number;
  lockRetryBudgetMs: number;
  queryTimeoutMs: number;
  logger: Logger;
  now?: () => Date;
  newEventId?: () => string;
  /** Observes each group: its size and how long its transaction took (seconds). */
  onGroup?: (size: number, seconds: number) => void;
}

interface Queued extends PendingCommand {
  resolve: (r: CommandResult) => void;
  reject: (e: unknown) => void;
}

/** A command's outcome; `error` may also be an unexpected failure of its own transaction. */
type Answer = Outcome | { ok: false; error: unknown };

const DUPLICATE_RETRIES = 3;
const NOTHING_READ: GroupReads = Object.freeze({ stored: new Map(), states: new Map() }); // a lone command re-decided after losing a race to another writer

type Ids = { now: () => Date; newEventId: () => string };

/**
 * One transaction for the group; resolves to each command's outcome. `optimistic`: nothing is
 * read; every command is decided as if its stream and key were new, and the unique keys check
 * that (a stream's version 1, the idempotency key): a duplicate means "read first after all".
 */
async function transact(o: GroupCommitOptions, ids: Ids, group: readonly PendingCommand[], optimistic: boolean): Promise<Outcome[]> {
  const conn = await o.pool.getConnection();
  let broken = false;
  try {
    let reads = NOTHING_READ;
    if (!optimistic) {
      const keys = [...new Set(group.flatMap((p) => (p.ctx.idempotencyKey === undefined ? [] : [p.ctx.idempotencyKey])))];
      const streams = [...new Set(group.map((p) => p.command.userId))].sort();
      reads = await beginAndRead(conn, keys, streams, o.queryTimeoutMs);
    }
    const plan = planGroup(group, reads, ids);
    await writeAndCommit(conn, plan, { outbox: o.outbox, begun: !optimistic, timeoutMs: o.queryTimeoutMs });
    return plan.outcomes;
  } catch (err) {
    broken = isConnectionError(err);
    if (!broken) await rollback(conn, o.queryTimeoutMs).catch(() => (broken = true));
    throw err;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

/** transact, retrying deadlocks and lock-wait timeouts within the budget. A group of
 *  registrations only (the common case under load) first tries without reading: one round trip. */
const transactRetrying = (o: GroupCommitOptions, ids: Ids, group: readonly PendingCommand[]) =>
  retry(
    async () => {
      if (!group.every((p) => p.command.type === 'RegisterUser')) return transact(o, ids, group, false);
      try {
        return await transact(o, ids, group, true);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        return transact(o, ids, group, false); // an existing stream or a retried key: decide on what is stored
      }
    },
    { isRetriable: isLockError, budgetMs: o.lockRetryBudgetMs, maxAttempts: 1_000, baseMs: 5, maxMs: 100 },
  );

/** The group's outcomes, whatever happens to its transaction (see the failure list above). */
async function runGroup(
  o: GroupCommitOptions,
  ids: Ids,
  group: readonly PendingCommand[],
  duplicateRetries = DUPLICATE_RETRIES,
): Promise<Answer[]> {
  const started = process.hrtime.bigint();
  try {
    const outcomes = await transactRetrying(o, ids, group);
    o.onGroup?.(group.length, Number(process.hrtime.bigint() - started) / 1e9);
    return outcomes;
  } catch (err) {
    const cause = err instanceof RetriesExhaustedError ? err.lastError : err;
    if (isConnectionError(cause) || isLockError(cause)) {
      return group.map(() => ({ ok: false, error: new DependencyUnavailableError('commands-db', cause) }));
    }
    if (group.length > 1) {
      o.logger.warn({ err: cause, size: group.length }, 'group transaction failed; running its commands one by one');
      return (await Promise.all(group.map((p) => runGroup(o, ids, [p])))).flat();
    }
    if (isDuplicateKeyError(cause) && duplicateRetries > 0) return runGroup(o, ids, group, duplicateRetries - 1);
    if (isDuplicateKeyError(cause)) {
      const { command } = group[0]!;
      return [
        { ok: false, error: new ConcurrencyError(command.userId, 'expectedVersion' in command ? (command.expectedVersion ?? 0) : 0, null) },
      ];
    }
    return [{ ok: false, error: cause }];
  }
}

function settle(batch: Queued[], outcomes: Answer[]): void {
  batch.forEach((q, i) => {
    const out = outcomes[i]!;
    if (out.ok) q.resolve(out.result);
    else q.reject(out.error);
  });
}

export function getGroupCommitter(o: GroupCommitOptions) {
  const ids: Ids = { now: o.now ?? (() => new Date()), newEventId: o.newEventId ?? (() => uuidv7()) };
  const queue: Queued[] = [];
  let running = 0;

  function pump(): void {
    while (running < o.concurrency && queue.length > 0) {
      const batch = queue.splice(0, o.maxCommands);
      running++;
      runGroup(o, ids, batch)
        .then((outcomes) => {
          // Committed and durable; no client has its answer yet.
          if (outcomes.some((x) => x.ok && !x.result.replayed))
            crashPoint('command-service.after-commit-before-reply', { commands: batch.length });
          settle(batch, outcomes);
        })
        .catch((err: unknown) => {
          for (const q of batch) q.reject(err);
        })
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  return {
    submit(p: PendingCommand): Promise<CommandResult> {
      return new Promise<CommandResult>((resolve, reject) => {
        queue.push({ ...p, resolve, reject });
        pump();
      });
    },
    /** Commands waiting for a group (for metrics). */
    queued: () => queue.length,
  };
}
export type GroupCommitter = ReturnType<typeof getGroupCommitter>;
