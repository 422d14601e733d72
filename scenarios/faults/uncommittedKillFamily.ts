// A MariaDB server SIGKILLed in the most dangerous moment a writer gives it: one of the writer's
// transactions has written rows and sits idle, its COMMIT not yet arrived. A writer that answers
// its clients before its COMMIT is acknowledged loses exactly those answers here, whereas a plain
// kill catches that window only when the timing happens to fall in it. The server is watched
// (information_schema.INNODB_TRX, from a direct admin connection, every 110 ms) for at
// most `withinMs`; a writer that never leaves that window open is killed at the deadline, as a
// plain kill mid-burst. Restarted after `duration`, on its data: InnoDB crash recovery runs.
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { DB_ROLES, type DbRole } from '../../system/shared/credentials.ts';
import type { FaultFamily, KindSpec } from './family.ts';
import { processKey } from './processFamilies.ts';

export interface UncommittedKillParams {
  /** `writer`: the database account whose transaction is waited for (any account if absent). */
  'kill-uncommitted': { writer?: DbRole; withinMs?: number };
}

const DATABASES = { 'commands-db': 'commands', 'queries-db': 'queries' } as const;
type DbTarget = keyof typeof DATABASES;
const DEFAULT_WITHIN_MS = 3_000;
// INNODB_TRX is a cache, refreshed on a read only when the last read is over 100 ms old: polled
// faster, it is never refreshed at all. Each poll here refreshes it, so what it shows is current.
const POLL_MS = 110;

// Written rows, no statement running: the transaction waits on its client for the next statement
// or the COMMIT. (A multi-statement round trip that ends in COMMIT never shows this state.)
const IDLE_WRITER_SQL = `SELECT t.trx_mysql_thread_id AS thread, p.USER AS user, t.trx_rows_modified AS rows_modified,
    TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) AS age_us
  FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
  WHERE t.trx_rows_modified > 0 AND t.trx_query IS NULL AND p.COMMAND = 'Sleep' AND (? IS NULL OR p.USER = ?)
  LIMIT 1`;

interface IdleWriter {
  thread: number;
  user: string;
  rows_modified: number;
  age_us: number;
}

const spec: KindSpec = {
  params: {
    writer: { kind: 'enum', values: DB_ROLES },
    withinMs: { kind: 'int', min: 1, max: 60_000 },
  },
  timing: 'window',
  targets: { accepts: (t) => t in DATABASES, choices: Object.keys(DATABASES) },
  check: (f) => {
    const within = typeof f.params.withinMs === 'number' ? f.params.withinMs : DEFAULT_WITHIN_MS;
    return typeof f.duration === 'number' && within >= f.duration
      ? [`kill-uncommitted: params.withinMs (${within}) must be shorter than duration (${f.duration}): the kill comes before the restart`]
      : [];
  },
  arbitrary: () => fc.record({ withinMs: fc.integer({ min: 200, max: 1_500 }) }),
  exclusive: processKey,
  lane: processKey,
  traits: ['crashes-process'],
  // Fixed schedules only: a random duration could end before the watch does.
  random: false,
};

export const uncommittedKillFamily: FaultFamily = {
  name: 'kills mid-commit',
  kinds: { 'kill-uncommitted': spec } satisfies Record<keyof UncommittedKillParams, KindSpec>,
  create({ env, control, log }) {
    const killed = new Map<number, { target: string; kill: Promise<void> }>();

    /** Resolves when the window is seen (with the writer), or at the deadline (undefined). */
    async function watch(target: DbTarget, writer: DbRole | undefined, withinMs: number): Promise<IdleWriter | undefined> {
      const db = env.mariadb[DATABASES[target]];
      const conn = await mysql.createConnection({
        host: db.host,
        port: db.port,
        user: db.admin.user,
        password: db.admin.password,
        connectTimeout: 5_000,
      });
      try {
        const deadline = Date.now() + withinMs;
        // A read within 100 ms of someone else's would see their (stale) snapshot: wait first.
        for (let wait = POLL_MS; Date.now() + wait < deadline;) {
          await new Promise((r) => setTimeout(r, wait));
          const [rows] = await conn.query(IDLE_WRITER_SQL, [writer ?? null, writer ?? null]);
          const found = (rows as IdleWriter[])[0];
          if (found) return found;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
        return undefined;
      } finally {
        await conn.end().catch(() => undefined);
      }
    }

    return {
      async start(f, id) {
        const target = f.target as DbTarget;
        const { writer, withinMs = DEFAULT_WITHIN_MS } = f.params as UncommittedKillParams['kill-uncommitted'];
        // Watched in the background: the schedule goes on, and stop waits for the kill.
        const kill = (async () => {
          const started = Date.now();
          const caught = await watch(target, writer, withinMs);
          await control.kill(target);
          log(
            caught
              ? `fault ${id}: ${target} SIGKILLed ${Date.now() - started} ms in, while ${caught.user}'s transaction (thread ${caught.thread}, ${caught.rows_modified} rows written, open ${(Number(caught.age_us) / 1000).toFixed(1)} ms) waited for its COMMIT`
              : `fault ${id}: no transaction${writer ? ` of ${writer}` : ''} sat between its writes and its COMMIT within ${withinMs} ms: ${target} SIGKILLed at the deadline`,
          );
        })();
        kill.catch(() => undefined); // awaited (and reported) by stop or heal
        killed.set(id, { target, kill });
      },
      async stop(_f, id) {
        const k = killed.get(id);
        if (!k) return;
        killed.delete(id);
        await k.kill;
        await control.restart(k.target, { graceful: false });
      },
      async heal() {
        for (const [, k] of killed) {
          await k.kill.catch((err: Error) => log(`heal: kill-uncommitted ${k.target}: ${err.message}`));
          if ((await control.identity(k.target).catch(() => undefined)) === undefined)
            await control.restart(k.target, { graceful: false }).catch((err: Error) => log(`heal: restart ${k.target}: ${err.message}`));
        }
        killed.clear();
      },
    };
  },
};
