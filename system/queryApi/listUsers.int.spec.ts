// GET /users under concurrent writes: the page and the total must describe one moment of the read
// model, whatever lands between the statements that read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { listUsers } from './readModel.ts';

let schema: TestSchema;
let pool: Pool;

beforeAll(async () => {
  schema = await freshSchema('queries');
  pool = createPool(schema.roleUrl('query_api'), { connectionLimit: 2 });
});
afterAll(async () => {
  await pool?.end();
  await schema?.drop();
});

const insertUser = (i: number) =>
  schema.admin.query(
    'INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES (?, ?, ?, 1, 1, 0)',
    [`w${String(i).padStart(5, '0')}`, `name ${i}`, '2026-11-28'],
  );

describe('listUsers', () => {
  it('answers an empty page with the total of the whole list', async () => {
    await insertUser(0);
    const far = await listUsers(pool, { page: 50, pageSize: 10, includeDeleted: false });
    expect(far).toEqual({ items: [], total: 1 });
  });

  it('reads the page and the total from one snapshot while users are being added', async () => {
    let writing = true;
    let written = 1;
    const writer = (async () => {
      while (writing) await insertUser(written++);
    })();
    const mismatches: string[] = [];
    try {
      // A page larger than the whole list: it must hold exactly `total` users, all of them.
      for (let i = 0; i < 300; i++) {
        const { items, total } = await listUsers(pool, { page: 1, pageSize: 100_000, includeDeleted: true });
        if (items.length !== total) mismatches.push(`${items.length} items, total ${total}`);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(written).toBeGreaterThan(20); // the writer really ran beside the reads
    expect(mismatches).toEqual([]);
  });
});
