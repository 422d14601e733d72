// A relay's liveness lock: GET_LOCK('fl_relay_<owner>') held on a connection of its own for as
// long as the owner id is in use. When the process dies, or its link to the database does, the
// server frees the lock and other relays take over the owner's claims at once instead of waiting
// for the lease. A heartbeat notices a lost lock; the relay then stops sending under that owner
// and starts again under a new one.
import { randomUUID } from 'node:crypto';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { createPool } from '../shared/db.ts';
import type { Logger } from '../shared/logger.ts';
import { livenessLockName } from './outboxStore.ts';

export interface Liveness {
  readonly owner: string;
  /** False once the heartbeat or the connection failed: the owner's claims may be taken over. */
  alive(): boolean;
  close(): Promise<void>;
}

export async function acquireLiveness(o: { dbUrl: string; heartbeatMs: number; logger: Logger }): Promise<Liveness> {
  const owner = randomUUID();
  const pool: Pool = createPool(o.dbUrl, { connectionLimit: 1 });
  let conn: PoolConnection | undefined;
  let ok = false;
  const lose = (why: string) => {
    if (!ok) return;
    ok = false;
    clearInterval(timer);
    o.logger.warn({ owner, why }, 'relay liveness lock lost: claims under this owner may be taken over');
    conn?.destroy();
  };
  try {
    conn = await pool.getConnection();
    const [rows] = await conn.query({ sql: 'SELECT GET_LOCK(?, 0) AS got', timeout: 5_000 }, [livenessLockName(owner)]);
    if ((rows as Array<{ got: number | null }>)[0]?.got !== 1) throw new Error(`could not take liveness lock for ${owner}`);
  } catch (err) {
    conn?.destroy();
    await pool.end().catch(() => undefined);
    throw err;
  }
  ok = true;
  const held = conn;
  held.connection.on('error', (err: Error) => lose(err.message));
  held.connection.on('end', () => lose('connection ended'));
  const timer: NodeJS.Timeout = setInterval(() => {
    // Generous timeout: a slow answer on a loaded machine is not a lost lock; a hung link is.
    held
      .query({ sql: 'SELECT 1', timeout: Math.max(2_000, 3 * o.heartbeatMs) })
      .catch((err: unknown) => lose(err instanceof Error ? err.message : String(err)));
  }, o.heartbeatMs);
  timer.unref();
  return {
    owner,
    alive: () => ok,
    async close() {
      const wasAlive = ok;
      ok = false;
      clearInterval(timer);
      if (wasAlive) await held.query('SELECT RELEASE_LOCK(?)', [livenessLockName(owner)]).catch(() => undefined);
      held.release();
      await pool.end().catch(() => undefined);
    },
  };
}
