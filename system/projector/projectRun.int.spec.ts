// The fast path on a real MariaDB: many events in one transaction write exactly the rows the
// one-record path writes, and a run ends at the first event that needs that path (a gap, a
// stream with a dead letter or parked events, a rename of an unknown user).
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTransaction, type Pool } from '../shared/db.ts';
import type { EventEnvelope } from '../shared/events.ts';
import { configureSessions } from '../shared/dbSession.ts';
import type { ConsumeMode } from './decide.ts';
import { envelope, freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { projectEvent } from './projectEvent.ts';
import { projectRun, type RunItem } from './projectRun.ts';
import { saveCheckpoint } from './readModelStore.ts';

let schema: TestSchema;
let pool: Pool;
beforeAll(async () => {
  schema = await freshSchema('queries');
});
afterAll(async () => {
  await schema?.drop();
});

let offset = 0;
const item = (e: ReturnType<typeof envelope>): RunItem => ({
  event: e as EventEnvelope,
  pos: { groupId: 'g', topic: 't', partition: 0, offset: String(offset++), highWatermark: '1000' },
});
const run = (items: RunItem[], mode: ConsumeMode = 'effectively-once') => withTransaction(pool, (conn) => projectRun(conn, items, mode));
const reg = (id: string, name = 'Ada') => envelope(id, 1, 'UserRegistered', { name, dateRegister: '2026-11-28' });
const ren = (id: string, v: number, name: string) => envelope(id, v, 'UserRenamed', { name });
const rows = async (sql: string, params: unknown[]) => (await schema.admin.query<RowDataPacket[]>(sql, params))[0];
const user = async (id: string) =>
  (await rows('SELECT NAME, VERSION, APPLIED_COUNT, DELETED FROM USER_DATA WHERE ID_USER_DATA = ?', [id]))[0];
const log = async (id: string) =>
  (await rows('SELECT stream_version AS v, kafka_offset AS o FROM applied_events WHERE stream_id = ? ORDER BY id', [id])).map((r) => [
    r.v,
    String(r.o),
  ]);

// The projector's own pool sends a run's statements in one round trip; other pools one by one.
describe.each([true, false])('projectRun (several statements per round trip: %s)', (multipleStatements) => {
  beforeAll(() => {
    pool = createPool(schema.roleUrl('projector'), { connectionLimit: 2, multipleStatements });
    configureSessions(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('applies new and existing streams in one transaction, in order, with inbox rows and the checkpoint', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await run([item(reg(a))]);
    const items = [item(ren(a, 2, 'a2')), item(reg(b, 'Bo')), item(ren(a, 3, 'a3')), item(ren(b, 2, 'b2'))];
    expect(await run(items)).toEqual(['apply', 'apply', 'apply', 'apply']);
    expect(await user(a)).toMatchObject({ NAME: 'a3', VERSION: 3, APPLIED_COUNT: 3 });
    expect(await user(b)).toMatchObject({ NAME: 'b2', VERSION: 2, APPLIED_COUNT: 2 });
    expect(await log(a)).toEqual([
      [1, expect.any(String)],
      [2, items[0]!.pos.offset],
      [3, items[2]!.pos.offset],
    ]);
    const inbox = await rows('SELECT COUNT(*) AS n FROM inbox WHERE stream_id IN (?, ?)', [a, b]);
    expect(Number(inbox[0]!.n)).toBe(5);
    const [cp] = await rows("SELECT last_offset FROM projection_checkpoint WHERE group_id = 'g'", []);
    expect(String(cp!.last_offset)).toBe(items[3]!.pos.offset);
  });

  it('effectively-once: skips redeliveries (from the inbox and within the run) and writes nothing for them', async () => {
    const c = randomUUID();
    const [c1, c2] = [reg(c), ren(c, 2, 'two')];
    await run([item(c1)]);
    expect(await run([item(c1), item(c2), item(c2)])).toEqual(['duplicate', 'apply', 'duplicate']);
    expect(await user(c)).toMatchObject({ VERSION: 2, APPLIED_COUNT: 2 });
    expect((await log(c)).length).toBe(2);
  });

  it('at-least-once: re-applies a redelivery visibly without moving the state back', async () => {
    const d = randomUUID();
    const [d1, d2] = [reg(d, 'one'), ren(d, 2, 'two')];
    expect(await run([item(d1), item(d2), item(d1)], 'at-least-once')).toEqual(['apply', 'apply', 'reapply']);
    expect(await user(d)).toMatchObject({ NAME: 'two', VERSION: 2, APPLIED_COUNT: 3 });
    expect((await log(d)).map(([v]) => v)).toEqual([1, 2, 1]);
  });

  it('ends the run at a version gap; the one-record path parks it', async () => {
    const [g, h] = [randomUUID(), randomUUID()];
    const items = [item(reg(g)), item(ren(g, 3, 'gap')), item(reg(h))];
    expect(await run(items)).toEqual(['apply']);
    expect(await user(h)).toBeUndefined(); // nothing after the gap was written by the run
    const out = await withTransaction(pool, (conn) => projectEvent(conn, items[1]!.event, 'effectively-once', items[1]!.pos));
    expect(out.decision).toBe('park-gap');
    // The stream now has a parked event: its next events need the one-record path (drain).
    expect(await run([item(ren(g, 2, 'two'))])).toEqual([]);
  });

  it('ends the run at a stream with an open dead letter, and at a rename of an unknown user', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    await schema.admin.query(
      "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, stream_id, headers, exception_fqcn, exception_message, attempts) VALUES ('t', 9, ?, ?, '{}', 'X', 'm', 1)",
      [offset++, x],
    );
    expect(await run([item(reg(x))])).toEqual([]);
    expect(await run([item(reg(y)), item(ren(randomUUID(), 2, 'nobody'))])).toEqual(['apply']);
  });

  it.each(['effectively-once', 'at-least-once'] as const)(
    '%s: the run path and the one-record path write identical rows (read model, inbox, applied log, checkpoint)',
    async (mode) => {
      // Two schemas, the same events: one run in one transaction against one record per transaction.
      const other = await freshSchema('queries');
      const otherPool = createPool(other.roleUrl('projector'), { connectionLimit: 1 });
      configureSessions(otherPool);
      try {
        const [p, q] = [randomUUID(), randomUUID()];
        const [p1, p2, q1, p3] = [reg(p, 'Ünïcødé 😀'), ren(p, 2, 'two'), reg(q, 'Q'), ren(p, 3, 'three')];
        const first = [item(p1), item(q1)];
        const second = [item(p2), item(p1), item(p3), item(p2)]; // redeliveries among them
        const toRun = async (items: RunItem[]) => (await run(items, mode)).length;
        expect(await toRun(first)).toBe(2);
        expect(await toRun(second)).toBe(4);
        for (const it of [...first, ...second]) {
          await withTransaction(otherPool, async (conn) => {
            await projectEvent(conn, it.event, mode, it.pos);
            await saveCheckpoint(conn, it.pos);
          });
        }
        const snapshot = async (conn: { query: TestSchema['admin']['query'] }) => {
          const select = async (sql: string) => (await conn.query<RowDataPacket[]>(sql, [p, q]))[0];
          return {
            users: await select(
              'SELECT ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED FROM USER_DATA WHERE ID_USER_DATA IN (?, ?) ORDER BY ID_USER_DATA',
            ),
            inbox: await select(
              'SELECT event_id, stream_id, stream_version, content_sha256 FROM inbox WHERE stream_id IN (?, ?) ORDER BY event_id',
            ),
            log: await select(
              'SELECT event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode FROM applied_events WHERE stream_id IN (?, ?) ORDER BY id',
            ),
          };
        };
        const viaRun = await snapshot(schema.admin);
        const viaOne = await snapshot(other.admin);
        expect(viaRun.log.length).toBe(mode === 'effectively-once' ? 4 : 6);
        expect(viaOne).toEqual(viaRun);
        const [cpRun] = (
          await schema.admin.query<RowDataPacket[]>("SELECT last_offset FROM projection_checkpoint WHERE group_id = 'g'")
        )[0];
        const [cpOne] = (await other.admin.query<RowDataPacket[]>("SELECT last_offset FROM projection_checkpoint WHERE group_id = 'g'"))[0];
        expect(String(cpOne!.last_offset)).toBe(String(cpRun!.last_offset));
      } finally {
        await otherPool.end();
        await other.drop();
      }
    },
  );
});
