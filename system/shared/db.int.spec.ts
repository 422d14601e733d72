// Strict SQL mode on every pool session (real MariaDB): a value that does not fit its column is
// an error, never a silent clamp or truncation.
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { createPool, type Pool } from './db.ts';

let schema: TestSchema;
let pool: Pool;
const user = (id: string, version: number, name = 'x'): [string, unknown[]] => [
  'INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES (?, ?, ?, ?, 0)',
  [id, name, '2024-01-02', version],
];

beforeAll(async () => {
  schema = await freshSchema('commands');
  pool = createPool(schema.adminUrl, { connectionLimit: 2, isolation: 'READ-COMMITTED' });
});
afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

describe('createPool sessions', () => {
  it('run in strict mode, UTC and the requested isolation', async () => {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz, @@SESSION.tx_isolation AS iso',
    );
    expect(String(rows[0]!.mode).split(',')).toEqual(expect.arrayContaining(['STRICT_ALL_TABLES', 'NO_ZERO_DATE', 'NO_ZERO_IN_DATE']));
    expect(rows[0]).toMatchObject({ tz: '+00:00', iso: 'READ-COMMITTED' });
  });

  it('refuse an out-of-range version instead of clamping it to 2^31-1', async () => {
    await expect(pool.query(...user('00000000-0000-7000-8000-000000000001', 2 ** 31))).rejects.toMatchObject({
      code: 'ER_WARN_DATA_OUT_OF_RANGE',
    });
    // INSERT IGNORE is where strict mode stops protecting: it is what the write path must not use.
    await pool.query(
      `INSERT IGNORE INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES ('00000000-0000-7000-8000-000000000002', 'x', '2024-01-02', ?, 0)`,
      [2 ** 31],
    );
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION FROM USER_DATA WHERE ID_USER_DATA = ?', [
      '00000000-0000-7000-8000-000000000002',
    ]);
    expect(rows[0]!.VERSION).toBe(2 ** 31 - 1);
  });

  it('refuse an over-long name and an impossible date instead of truncating them', async () => {
    await expect(pool.query(...user('00000000-0000-7000-8000-000000000003', 1, 'n'.repeat(256)))).rejects.toMatchObject({
      code: 'ER_DATA_TOO_LONG',
    });
    await expect(
      pool.query('INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES (?, ?, ?, 1, 0)', [
        '00000000-0000-7000-8000-000000000004',
        'x',
        '2024-02-30',
      ]),
    ).rejects.toMatchObject({ code: 'ER_TRUNCATED_WRONG_VALUE' });
    const [rows] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM USER_DATA WHERE ID_USER_DATA IN (?, ?)', [
      '00000000-0000-7000-8000-000000000003',
      '00000000-0000-7000-8000-000000000004',
    ]);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
