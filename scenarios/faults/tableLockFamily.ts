// A table locked in a database for a window (what a long ALTER TABLE or a backup's table lock
// does): every writer of that table waits on its metadata lock, without an error to retry, while
// the server still answers pings and reads of other tables. Locking the read model's applied log
// stalls the projector with its database and broker both reachable: the stall it must report
// itself (readiness, stalled gauge) rather than one that shows as "database unreachable".
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import type { FaultFamily, KindSpec } from './family.ts';

export interface TableLockParams {
  'table-lock': { table?: string }; // default applied_events (written by every apply)
}

const DATABASES = { 'queries-db': 'queries', 'commands-db': 'commands' } as const;
type DbTarget = keyof typeof DATABASES;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The lock request itself waits behind running transactions' metadata locks at most this long. */
const LOCK_WAIT_S = 10;

const spec: KindSpec = {
  params: { table: { kind: 'string' } },
  timing: 'window',
  targets: { accepts: (t) => t in DATABASES, choices: Object.keys(DATABASES) },
  check: ({ params }) =>
    params.table !== undefined && !TABLE_NAME.test(String(params.table)) ? [`table: not a table name: ${String(params.table)}`] : [],
  arbitrary: () => fc.constant({}),
  exclusive: (f) => `table-lock:${f.target}`,
  // Needs a window longer than the system's stall threshold, which random schedules do not know.
  random: false,
};

export const tableLockFamily: FaultFamily = {
  name: 'table locks',
  kinds: { 'table-lock': spec } satisfies Record<keyof TableLockParams, KindSpec>,
  create(ctx) {
    const held = new Map<number, mysql.Connection>();
    return {
      async start(f, id) {
        const db = ctx.env.mariadb[DATABASES[f.target as DbTarget]];
        const table = (f.params as TableLockParams['table-lock']).table ?? 'applied_events';
        const conn = await mysql.createConnection({
          host: db.host,
          port: db.port,
          user: db.admin.user,
          password: db.admin.password,
          database: db.database,
          connectTimeout: 5_000,
        });
        try {
          await conn.query(`SET SESSION lock_wait_timeout = ${LOCK_WAIT_S}`);
          await conn.query(`LOCK TABLES \`${table}\` WRITE`);
        } catch (err) {
          await conn.end().catch(() => undefined);
          throw err;
        }
        held.set(id, conn);
      },
      async stop(_f, id) {
        const conn = held.get(id);
        held.delete(id);
        if (!conn) return;
        try {
          await conn.query('UNLOCK TABLES');
        } finally {
          await conn.end().catch(() => conn.destroy());
        }
      },
      async heal() {
        // Closing the session releases its table locks.
        for (const conn of held.values()) conn.destroy();
        held.clear();
      },
    };
  },
};
