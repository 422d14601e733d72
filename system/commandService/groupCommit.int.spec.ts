// Group commit on the real MariaDB: commands submitted together share one transaction, and each
// keeps its own outcome; a statement the server refuses fails only its own command; a second
// service instance (its own pool, no shared memory) racing on one key and one stream still
// writes one event and gets the first answer.
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { ConcurrencyError, NotFoundError } from '../shared/errors.ts';
import { getLogger } from '../shared/logger.ts';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import type { Command } from './decide.ts';
import { getGroupCommitter, type GroupCommitOptions } from './groupCommit.ts';
import { getCommandHandler, requestHash } from './handleCommand.ts';
import type { CommandResult, PendingCommand } from './planGroup.ts';

let schema: TestSchema;
const pools: Pool[] = [];
const logger = getLogger('group-commit-it', { level: 'silent' });
const newPool = () => {
  const p = createPool(schema.roleUrl('command_service'), { connectionLimit: 4, multipleStatements: true, isolation: 'READ-COMMITTED' });
  pools.push(p);
  return p;
};
const uuid = (n: number) => `0190a6b2-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const pending = (command: Command, key?: string, correlationId = 'corr'): PendingCommand => ({
  command,
  ctx: {
    correlationId,
    requestHash: requestHash({ method: 'X', path: key ?? '', body: command }),
    ...(key ? { idempotencyKey: key } : {}),
  },
});
const settled = (ps: Array<Promise<CommandResult>>) => Promise.allSettled(ps);
const count = async (sql: string, params: unknown[] = []) => Number((await schema.admin.query<RowDataPacket[]>(sql, params))[0][0]!.n);

beforeAll(async () => {
  schema = await freshSchema('commands');
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await schema?.drop();
});

function committer(extra: Partial<GroupCommitOptions> = {}) {
  const groups: number[] = [];
  const c = getGroupCommitter({
    pool: newPool(),
    outbox: true,
    maxCommands: 64,
    concurrency: 1,
    lockRetryBudgetMs: 1_000,
    queryTimeoutMs: 5_000,
    logger,
    onGroup: (n) => groups.push(n),
    ...extra,
  });
  return { c, groups };
}

describe('group commit', () => {
  it('one conflicting command in a group fails alone; the rest commit together in one transaction', async () => {
    const { c, groups } = committer();
    await c.submit(pending({ type: 'RegisterUser', userId: uuid(1), name: 'Ann', dateRegister: '2024-01-02' }));
    // Submitted in one tick with one group in flight: the first runs alone, the rest form the next group.
    const results = await settled([
      c.submit(pending({ type: 'RegisterUser', userId: uuid(2), name: 'Blocker', dateRegister: '2024-01-02' })),
      c.submit(pending({ type: 'RenameUser', userId: uuid(1), name: 'Ann2', expectedVersion: 1 }, 'g-1')),
      c.submit(pending({ type: 'RenameUser', userId: uuid(1), name: 'Stale', expectedVersion: 1 }, 'g-2')),
      c.submit(pending({ type: 'RenameUser', userId: uuid(99), name: 'Nobody' }, 'g-3')),
      c.submit(pending({ type: 'RegisterUser', userId: uuid(3), name: 'Cy', dateRegister: '2024-01-02' }, 'g-4')),
      c.submit(pending({ type: 'DeleteUser', userId: uuid(1) }, 'g-5')),
    ]);
    expect(groups.at(-1)).toBeGreaterThanOrEqual(5); // at least the five after the blocker shared one transaction
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as Error).constructor.name));
    expect(statuses).toEqual([201, 200, 'ConcurrencyError', 'NotFoundError', 201, 200]);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT stream_id, stream_version, type FROM events ORDER BY seq');
    expect(rows.map((r) => [r.stream_id, r.stream_version, r.type])).toEqual([
      [uuid(1), 1, 'UserRegistered'],
      [uuid(2), 1, 'UserRegistered'],
      [uuid(1), 2, 'UserRenamed'],
      [uuid(3), 1, 'UserRegistered'],
      [uuid(1), 3, 'UserDeleted'],
    ]);
    expect(await count('SELECT COUNT(*) AS n FROM outbox')).toBe(5);
    expect(await count('SELECT COUNT(*) AS n FROM command_dedup WHERE idempotency_key LIKE ?', ['g-%'])).toBe(3); // failed commands keep no key
    const [ud] = await schema.admin.query<RowDataPacket[]>('SELECT NAME, VERSION, DELETED FROM USER_DATA WHERE ID_USER_DATA = ?', [
      uuid(1),
    ]);
    expect(ud[0]).toEqual({ NAME: 'Ann2', VERSION: 3, DELETED: 1 });
  });

  it('a statement the server refuses (strict mode: value too long) fails only its command', async () => {
    const { c, groups } = committer();
    const results = await settled([
      c.submit(pending({ type: 'RegisterUser', userId: uuid(10), name: 'First', dateRegister: '2024-01-02' })),
      c.submit(pending({ type: 'RegisterUser', userId: uuid(11), name: 'Ok', dateRegister: '2024-01-02' }, 's-1')),
      // correlation_id is VARCHAR(128): the HTTP layer never sends longer, this test does
      c.submit(pending({ type: 'RegisterUser', userId: uuid(12), name: 'Bad', dateRegister: '2024-01-02' }, 's-2', 'c'.repeat(200))),
      c.submit(pending({ type: 'RegisterUser', userId: uuid(13), name: 'Ok too', dateRegister: '2024-01-02' }, 's-3')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ER_DATA_TOO_LONG' });
    expect(groups.slice(-2)).toEqual([1, 1]); // after the group failed, the good ones committed one by one
    expect(await count('SELECT COUNT(*) AS n FROM events WHERE stream_id IN (?)', [[uuid(11), uuid(12), uuid(13)]])).toBe(2);
    expect(await count('SELECT COUNT(*) AS n FROM USER_DATA WHERE ID_USER_DATA = ?', [uuid(12)])).toBe(0);
  });

  it('two instances racing on one key and one new stream: one event, every answer the first', async () => {
    const handlers = [0, 1].map(() =>
      getCommandHandler({
        pool: newPool(),
        publishMode: 'outbox',
        logger,
        group: { maxCommands: 64, concurrency: 2, lockRetryBudgetMs: 2_000, queryTimeoutMs: 5_000 },
      }),
    );
    const command: Command = { type: 'RegisterUser', userId: uuid(20), name: 'Twin', dateRegister: '2024-01-02' };
    const ctx = {
      correlationId: 'c-twin',
      idempotencyKey: 'twin-key',
      requestHash: requestHash({ method: 'POST', path: '/users', body: command }),
    };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => handlers[i % 2]!(command, ctx)));
    expect(new Set(results.map((r) => JSON.stringify([r.status, r.body])))).toHaveProperty('size', 1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await count('SELECT COUNT(*) AS n FROM events WHERE stream_id = ?', [uuid(20)])).toBe(1);
  });
});
