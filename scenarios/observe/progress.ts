// Cheap looks at whether the system still has work in hand after the workload: unpublished outbox
// rows, and a fingerprint of the read model (its size and versions), read directly as the admin.
import type mysql from 'mysql2/promise';
import type { EnvAddresses } from '../environment/types.ts';
import { connectAdmin } from './finalState.ts';

async function one<T>(conn: mysql.Connection, sql: string): Promise<T> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(sql);
  return rows[0] as T;
}

export async function readProgress(env: EnvAddresses): Promise<{ backlog: number; readMark: string }> {
  const [commands, queries] = await Promise.all([connectAdmin(env.mariadb.commands), connectAdmin(env.mariadb.queries)]);
  try {
    const [b, u, a, p] = await Promise.all([
      one<{ n: string }>(commands, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL'),
      one<{ n: string; v: string; d: string }>(
        queries,
        'SELECT COUNT(*) AS n, COALESCE(SUM(VERSION), 0) AS v, COALESCE(SUM(DELETED), 0) AS d FROM USER_DATA',
      ),
      one<{ n: string }>(queries, 'SELECT COUNT(*) AS n FROM applied_events'),
      one<{ n: string }>(queries, 'SELECT COUNT(*) AS n FROM parked_events WHERE released_at IS NULL'),
    ]);
    return { backlog: Number(b.n), readMark: [u.n, u.v, u.d, a.n, p.n].join(':') };
  } finally {
    await Promise.all([commands.end().catch(() => undefined), queries.end().catch(() => undefined)]);
  }
}
