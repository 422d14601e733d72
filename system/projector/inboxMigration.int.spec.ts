// sql/queries/004: the inbox moves into the applied log. Data written before it (inbox rows next
// to their applied_events rows) must keep deduplicating: each inbox row lands on its event's first
// applied_events row, with its content hash, and a re-apply's row stays outside the inbox.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../shared/migrate.ts';
import { servers, uniqueName } from '../testing/intSupport.ts';
import mysql from 'mysql2/promise';

const name = uniqueName('q_it_mig');
const dir = mkdtempSync(join(tmpdir(), 'sql-'));
let admin: mysql.Connection | undefined;

afterAll(async () => {
  await admin?.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin?.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 004: the inbox in the applied log', () => {
  it('puts each inbox row on its event’s first applied row, keeps re-applies out, and re-runs cleanly', async () => {
    // The schema as it was before 004.
    cpSync(join(import.meta.dirname, '..', '..', 'sql', 'queries'), join(dir, 'queries'), {
      recursive: true,
      filter: (src) => !/\/00[4-9]_[^/]*\.sql$/.test(src),
    });
    await migrate({ adminUrl: servers.queriesDbUrl, database: 'queries', schemaName: name, sqlRoot: dir });
    const u = new URL(servers.queriesDbUrl);
    admin = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: name,
    });
    const log = (event: string, version: number) =>
      admin!.query(
        "INSERT INTO applied_events (event_id, stream_id, stream_version, event_type, source, consume_mode) VALUES (?, 's', ?, 'UserRenamed', 'kafka', 'at-least-once')",
        [event, version],
      );
    await log('e1', 1);
    await log('e2', 2);
    await log('e1', 1); // e1 applied again (at-least-once)
    await admin.query(
      "INSERT INTO inbox (event_id, stream_id, stream_version, content_sha256) VALUES ('e1', 's', 1, ?), ('e2', 's', 2, NULL)",
      ['a'.repeat(64)],
    );

    const run = await migrate({ adminUrl: servers.queriesDbUrl, database: 'queries', schemaName: name });
    expect(run.applied).toEqual(['004_inbox_in_applied_log.sql']);
    const rows = async () =>
      (await admin!.query<RowDataPacket[]>('SELECT event_id, inbox_event_id, content_sha256 FROM applied_events ORDER BY id'))[0].map(
        (r) => ({
          ...r,
        }),
      );
    const expected = [
      { event_id: 'e1', inbox_event_id: 'e1', content_sha256: 'a'.repeat(64) },
      { event_id: 'e2', inbox_event_id: 'e2', content_sha256: null },
      { event_id: 'e1', inbox_event_id: null, content_sha256: null },
    ];
    expect(await rows()).toEqual(expected);

    // DDL commits implicitly: the file must be safe to run again after a partial failure.
    const sql = readFileSync(join(import.meta.dirname, '..', '..', 'sql', 'queries', '004_inbox_in_applied_log.sql'), 'utf8');
    const multi = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: name,
      multipleStatements: true,
    });
    try {
      await multi.query(sql);
    } finally {
      await multi.end();
    }
    expect(await rows()).toEqual(expected);

    // The unique inbox entry is the fence the inbox's primary key was: a second first apply fails.
    await expect(
      admin.query(
        "INSERT INTO applied_events (event_id, stream_id, stream_version, event_type, source, inbox_event_id) VALUES ('e1', 's', 1, 'UserRenamed', 'kafka', 'e1')",
      ),
    ).rejects.toThrow(/Duplicate entry/);
  });
});
