// Raw write baseline: the command transaction's rows — event, USER_DATA, outbox, idempotency key —
// inserted directly with mysql2 into a throwaway schema on the same `commands` server, durable
// commit (the server's innodb_flush_log_at_trx_commit=1 is left alone), N connections in
// parallel, each a closed loop bounded by time and count.
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { migrate } from '../../system/shared/migrate.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { EVENT_COLUMNS, benchEvents, eventRow } from './fixtures.ts';
import { perSecond } from './stats.ts';

export const RAW_COMMANDS_SCHEMA = 'faultline_bench_raw_commands';

export interface RawRate {
  transactions: number;
  ms: number;
  perSecond: number;
}

export interface RawWriteOptions {
  connections: number;
  durationMs: number;
  /** host:port to dial instead of the server itself (e.g. the command-db proxy). */
  via?: string;
}

export async function rawWriteBaseline(addr: EnvAddresses, o: RawWriteOptions): Promise<RawRate> {
  const d = addr.mariadb.commands;
  await migrate({
    adminUrl: `mysql://${d.admin.user}:${d.admin.password}@${d.host}:${d.port}/`,
    database: 'commands',
    schemaName: RAW_COMMANDS_SCHEMA,
  });
  const [host, port] = o.via ? [o.via.split(':')[0]!, Number(o.via.split(':')[1])] : [d.host, d.port];
  const pool = mysql.createPool({
    host,
    port,
    user: d.admin.user,
    password: d.admin.password,
    database: RAW_COMMANDS_SCHEMA,
    connectionLimit: o.connections,
    timezone: 'Z',
  });
  try {
    // Open every connection before the clock starts, as the service's pool has.
    const conns = await Promise.all(Array.from({ length: o.connections }, () => pool.getConnection()));
    const maxPerConnection = 1_000_000;
    const started = performance.now();
    const deadline = started + o.durationMs;
    const counts = await Promise.all(
      conns.map(async (conn) => {
        let n = 0;
        try {
          while (performance.now() < deadline && n < maxPerConnection) {
            const [e] = benchEvents(1);
            await conn.beginTransaction();
            await conn.query(`INSERT INTO events ${EVENT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, eventRow(e!));
            await conn.query('INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, DELETED) VALUES (?, ?, ?, 1, 0)', [
              e!.streamId,
              'raw user',
              '2026-11-28',
            ]);
            await conn.query(`INSERT INTO outbox ${EVENT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, eventRow(e!));
            const body = JSON.stringify({ id: e!.streamId, version: 1, eventId: e!.eventId, correlationId: e!.correlationId });
            await conn.query(
              'INSERT INTO command_dedup (idempotency_key, request_hash, response_status, response_body) VALUES (?, ?, 201, ?)',
              [`raw-${randomUUID()}`, 'x'.repeat(64), body],
            );
            await conn.commit();
            n++;
          }
        } finally {
          conn.release();
        }
        return n;
      }),
    );
    const ms = performance.now() - started;
    const transactions = counts.reduce((a, b) => a + b, 0);
    return { transactions, ms, perSecond: perSecond(transactions, ms) };
  } finally {
    await pool.end();
  }
}

export async function dropSchema(addr: EnvAddresses, db: 'commands' | 'queries', schema: string): Promise<void> {
  const d = addr.mariadb[db];
  const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${schema}\``);
  } finally {
    await conn.end();
  }
}
