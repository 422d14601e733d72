// Rebuild: the read model refilled from the event store equals the fold of the events.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { rebuildReadModel } from './rebuildReadModel.ts';

let commands: TestSchema;
let queries: TestSchema;
let cPool: Pool;
let qPool: Pool;

beforeAll(async () => {
  [commands, queries] = await Promise.all([freshSchema('commands'), freshSchema('queries')]);
  cPool = createPool(commands.adminUrl, { connectionLimit: 1 });
  qPool = createPool(queries.adminUrl, { connectionLimit: 1 });
});
afterAll(async () => {
  await Promise.all([cPool?.end(), qPool?.end()]);
  await Promise.all([commands?.drop(), queries?.drop()]);
});

async function appendEvent(streamId: string, version: number, type: string, payload: object): Promise<string> {
  const eventId = randomUUID();
  await commands.admin.query(
    `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, payload)
     VALUES (?, ?, ?, ?, 1, UTC_TIMESTAMP(6), 'c', 'k', ?)`,
    [eventId, streamId, version, type, JSON.stringify(payload)],
  );
  return eventId;
}

describe('rebuildReadModel', () => {
  it('empties the read model and replays every stream in order', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await appendEvent(a, 1, 'UserRegistered', { name: 'Ada', dateRegister: '2026-01-02' });
    await appendEvent(b, 1, 'UserRegistered', { name: 'Bob', dateRegister: '2026-02-03' });
    await appendEvent(a, 2, 'UserRenamed', { name: 'Ada L.' });
    const bDeleted = await appendEvent(b, 2, 'UserDeleted', {});
    // Stale read model: a wrong row and an open dead letter for an event the store has.
    await queries.admin.query(
      "INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT) VALUES ('ghost', 'x', '2020-01-01', 1, 1)",
    );
    await queries.admin.query(
      "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, stream_id, event_id, headers, exception_fqcn, exception_message, attempts) VALUES ('user-events', 0, 5, ?, ?, '{}', 'X', 'm', 3)",
      [b, bDeleted],
    );

    const r = await rebuildReadModel({ commands: cPool, queries: qPool, pageSize: 3 });
    expect(r).toEqual({ events: 4, applied: 4, skipped: 0, deadLettersResolved: 1 });
    const [rows] = await queries.admin.query<RowDataPacket[]>(
      "SELECT ID_USER_DATA AS id, NAME AS name, DATE_FORMAT(DATE_REGISTER, '%Y-%m-%d') AS d, VERSION AS v, APPLIED_COUNT AS n, DELETED AS del FROM USER_DATA ORDER BY NAME",
    );
    expect(rows.map((x) => ({ ...x }))).toEqual([
      { id: a, name: 'Ada L.', d: '2026-01-02', v: 2, n: 2, del: 0 },
      { id: b, name: 'Bob', d: '2026-02-03', v: 2, n: 2, del: 1 },
    ]);
    const [log] = await queries.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM applied_events WHERE source = 'rebuild'");
    expect(Number(log[0]!.n)).toBe(4);
  });
});
