// The claim transaction on a real MariaDB: it marks the rows the broker acked and claims the next
// ones in ONE commit, and a claim that fails after its mark statement ran marks nothing.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { claimRows } from './outboxStore.ts';

let schema: TestSchema;
let pool: Pool;

beforeAll(async () => {
  schema = await freshSchema('commands');
  pool = createPool(schema.roleUrl('relay'), { connectionLimit: 2, multipleStatements: true, isolation: 'READ-COMMITTED' });
});
afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

async function insertRows(n: number): Promise<number[]> {
  const streamId = randomUUID();
  const values = Array.from({ length: n }, (_, i) => {
    const eventId = randomUUID();
    return [eventId, streamId, i + 1, i === 0 ? 'UserRegistered' : 'UserRenamed', 1, new Date(), 'c', 'c', null, '{"name":"n"}'];
  });
  await schema.admin.query(
    'INSERT INTO outbox (event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload) VALUES ?',
    [values],
  );
  const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT id FROM outbox WHERE stream_id = ? ORDER BY id', [streamId]);
  return rows.map((r) => Number(r.id));
}

const state = async (ids: number[]) => {
  const [rows] = await schema.admin.query<RowDataPacket[]>(
    'SELECT id, published_at IS NOT NULL AS published, claimed_by FROM outbox WHERE id IN (?) ORDER BY id',
    [ids],
  );
  return rows.map((r) => ({ id: Number(r.id), published: Number(r.published) === 1, claimedBy: r.claimed_by as string | null }));
};

describe('claimRows', () => {
  it('marks the acked rows and claims the next ones in one transaction', async () => {
    const ids = await insertRows(6);
    const owner = randomUUID();
    const first = await claimRows(pool, { owner, limit: 3, leaseMs: 30_000, inFlight: [] });
    expect(first.rows.map((r) => r.id)).toEqual(ids.slice(0, 3));
    expect(first).toMatchObject({ marked: 0, full: true });

    // The first three were sent and acked: the next claim marks them and takes the rest.
    const second = await claimRows(pool, { owner, limit: 10, leaseMs: 30_000, inFlight: ids.slice(0, 3), acked: ids.slice(0, 3) });
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(3));
    expect(second).toMatchObject({ marked: 3, full: false });
    const after = await state(ids);
    expect(after.slice(0, 3).every((r) => r.published && r.claimedBy === null)).toBe(true);
    expect(after.slice(3).every((r) => !r.published && r.claimedBy === owner)).toBe(true);

    // Nothing left to claim: the marks still commit.
    const third = await claimRows(pool, { owner, limit: 10, leaseMs: 30_000, inFlight: ids.slice(3), acked: ids.slice(3) });
    expect(third).toEqual({ rows: [], marked: 3, full: false });
    expect((await state(ids)).every((r) => r.published)).toBe(true);
  });

  it('a claim that fails after its mark statement ran marks nothing (rolled back)', async () => {
    const ids = await insertRows(2);
    const owner = randomUUID();
    await claimRows(pool, { owner, limit: 1, leaseMs: 30_000, inFlight: [] });
    // LIMIT -1 is refused by the server: the claim's SELECT fails after the mark's UPDATE ran.
    await expect(claimRows(pool, { owner, limit: -1, leaseMs: 30_000, inFlight: [ids[0]!], acked: [ids[0]!] })).rejects.toThrow();
    expect((await state(ids)).map((r) => r.published)).toEqual([false, false]);
    // The connection went back to the pool usable, outside any transaction.
    const again = await claimRows(pool, { owner, limit: 5, leaseMs: 30_000, inFlight: [ids[0]!], acked: [ids[0]!] });
    expect(again).toMatchObject({ marked: 1 });
    expect(again.rows.map((r) => r.id)).toEqual([ids[1]]);
  });
});
