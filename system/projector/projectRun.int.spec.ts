// The fast path on a real MariaDB: many events in one transaction write exactly the rows the
// one-record path writes (a version gap parked included), and a run ends at the first event that
// needs that path (a stream with a dead letter, the next version of a stream with parked events,
// a rename of an unknown user).
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
    // One row per event, each its event's inbox entry.
    const inbox = await rows('SELECT COUNT(*) AS n FROM applied_events WHERE stream_id IN (?, ?) AND inbox_event_id = event_id', [a, b]);
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

  it('parks version gaps in the run, also on a stream that has parked events, and ends it at the version that drains them', async () => {
    const [g, h] = [randomUUID(), randomUUID()];
    const g3 = ren(g, 3, 'three');
    const items = [item(reg(g)), item(g3), item(reg(h)), item(g3), item(ren(g, 4, 'four')), item(ren(g, 2, 'two')), item(ren(h, 2, 'h2'))];
    // The redelivered gap is parked again (one row), the next version needs the drain: the run ends there.
    expect(await run(items)).toEqual(['apply', 'park-gap', 'apply', 'park-gap', 'park-gap']);
    expect(await user(h)).toMatchObject({ VERSION: 1 });
    expect(await user(g)).toMatchObject({ VERSION: 1 });
    const parked = await rows('SELECT stream_version AS v, reason, kafka_offset AS o FROM parked_events WHERE stream_id = ? ORDER BY id', [
      g,
    ]);
    expect(parked.map((r) => [r.v, r.reason, String(r.o)])).toEqual([
      [3, 'gap', items[1]!.pos.offset],
      [4, 'gap', items[4]!.pos.offset],
    ]);
    const [cp] = await rows("SELECT last_offset FROM projection_checkpoint WHERE group_id = 'g'", []);
    expect(String(cp!.last_offset)).toBe(items[4]!.pos.offset);
    // In a later run too: a gap on a stream with parked events is parked, its next version is not.
    expect(await run([item(ren(g, 5, 'five')), item(ren(g, 2, 'two'))])).toEqual(['park-gap']);
    const out = await withTransaction(pool, (conn) => projectEvent(conn, items[5]!.event, 'effectively-once', items[5]!.pos));
    expect(out).toEqual({ decision: 'apply', released: 3 });
    expect(await user(g)).toMatchObject({ NAME: 'five', VERSION: 5 });
  });

  it("does not park a gap on a stream with a dead letter: its versions are the one-record path's to judge", async () => {
    const z = randomUUID();
    await run([item(reg(z))]);
    await schema.admin.query(
      "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, stream_id, stream_version, headers, exception_fqcn, exception_message, attempts, status) VALUES ('t', 9, ?, ?, 2, '{}', 'X', 'm', 1, 'discarded')",
      [offset++, z],
    );
    expect(await run([item(ren(z, 3, 'three'))])).toEqual([]);
  });

  it('ends the run at a stream with an open dead letter, and at a rename of an unknown user', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    await schema.admin.query(
      "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, stream_id, headers, exception_fqcn, exception_message, attempts) VALUES ('t', 9, ?, ?, '{}', 'X', 'm', 1)",
      [offset++, x],
    );
    expect(await run([item(reg(x))])).toEqual([]);
    // Version 1 of a stream, a rename: in order, but there is no user to rename.
    expect(await run([item(reg(y)), item(ren(randomUUID(), 1, 'nobody'))])).toEqual(['apply']);
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
        const [q3, q4] = [ren(q, 3, 'q3'), ren(q, 4, 'q4')]; // q2 never comes: both parked
        const first = [item(p1), item(q1)];
        const second = [item(p2), item(p1), item(q3), item(p3), item(p2), item(q4), item(q3)]; // redeliveries among them
        const toRun = async (items: RunItem[]) => (await run(items, mode)).length;
        expect(await toRun(first)).toBe(2);
        expect(await toRun(second)).toBe(7);
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
              'SELECT inbox_event_id, stream_id, stream_version, content_sha256 FROM applied_events WHERE stream_id IN (?, ?) AND inbox_event_id IS NOT NULL ORDER BY inbox_event_id',
            ),
            log: await select(
              'SELECT event_id, stream_id, stream_version, event_type, source, topic, kafka_partition, kafka_offset, consume_mode FROM applied_events WHERE stream_id IN (?, ?) ORDER BY id',
            ),
            parked: await select(
              'SELECT event_id, stream_id, stream_version, reason, envelope, topic, kafka_partition, kafka_offset, released_at FROM parked_events WHERE stream_id IN (?, ?) ORDER BY id',
            ),
          };
        };
        const viaRun = await snapshot(schema.admin);
        const viaOne = await snapshot(other.admin);
        expect(viaRun.log.length).toBe(mode === 'effectively-once' ? 4 : 6);
        expect(viaRun.parked.map((r) => r.stream_version)).toEqual([3, 4]);
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
