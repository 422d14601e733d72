// The relay's database role on a real MariaDB: it claims and marks outbox rows and may change
// nothing else of them. A relay (or whoever holds its password) that could rewrite a row's payload
// and reset published_at would publish an event the command service never stored.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';

let schema: TestSchema;
let relay: mysql.Connection;

beforeAll(async () => {
  schema = await freshSchema('commands');
  relay = await mysql.createConnection(schema.roleUrl('relay'));
});
afterAll(async () => {
  await relay?.end();
  await schema?.drop();
});

async function insertRow(): Promise<number> {
  const eventId = randomUUID();
  await schema.admin.query(
    'INSERT INTO outbox (event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload) VALUES (?)',
    [[eventId, randomUUID(), 1, 'UserRegistered', 1, new Date(), 'c', 'c', null, '{"name":"Ann"}']],
  );
  const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT id FROM outbox WHERE event_id = ?', [eventId]);
  return Number(rows[0]!.id);
}

describe("the relay's grants on the outbox", () => {
  it('refuses to let the relay rewrite an event in the outbox (payload, type, stream, version, id)', async () => {
    const id = await insertRow();
    await schema.admin.query('UPDATE outbox SET published_at = CURRENT_TIMESTAMP(6) WHERE id = ?', [id]);
    for (const set of [
      `payload = '{"name":"forged"}', published_at = NULL`,
      `type = 'UserDeleted'`,
      `stream_id = '${randomUUID()}'`,
      'stream_version = 7',
      `event_id = '${randomUUID()}'`,
    ]) {
      await expect(relay.query(`UPDATE outbox SET ${set} WHERE id = ?`, [id]), set).rejects.toMatchObject({
        code: 'ER_COLUMNACCESS_DENIED_ERROR',
      });
    }
    await expect(relay.query('DELETE FROM outbox WHERE id = ?', [id])).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT payload, type, published_at FROM outbox WHERE id = ?', [id]);
    const payload: unknown = rows[0]!.payload;
    expect(typeof payload === 'string' ? JSON.parse(payload) : payload).toEqual({ name: 'Ann' });
    expect(rows[0]!.type).toBe('UserRegistered');
    expect(rows[0]!.published_at).not.toBeNull();
  });

  it('still lets the relay claim, give back and mark a row (the columns outboxStore.ts updates)', async () => {
    const id = await insertRow();
    await relay.query('UPDATE outbox SET claimed_by = ?, claimed_until = TIMESTAMPADD(MICROSECOND, 1000, NOW(6)) WHERE id = ?', ['r1', id]);
    await relay.query('UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1 WHERE id = ?', [id]);
    await relay.query(
      'UPDATE outbox SET published_at = CURRENT_TIMESTAMP(6), attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND published_at IS NULL',
      [id],
    );
    const [rows] = await relay.query<RowDataPacket[]>('SELECT attempts, published_at FROM outbox WHERE id = ?', [id]);
    expect(rows[0]).toMatchObject({ attempts: 2 });
    expect(rows[0]!.published_at).not.toBeNull();
  });
});
