// Session settings for a pool's connections. READ COMMITTED: locking reads take record locks
// only, no gap locks, so a reader locking "the row that may not exist yet" (a new user, the open
// dead letter of a stream, the outbox tail) never blocks another writer's inserts.
// (Used by the relay too; a candidate for system/shared/db.ts.)
import type { Pool } from 'mysql2/promise';
import { onNewConnection } from './db.ts';

export function configureSessions(pool: Pool, opts: { lockWaitTimeoutS?: number } = {}): void {
  const sets = ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'];
  if (opts.lockWaitTimeoutS !== undefined)
    sets.push(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.floor(opts.lockWaitTimeoutS))}`);
  onNewConnection(pool, sets);
}
