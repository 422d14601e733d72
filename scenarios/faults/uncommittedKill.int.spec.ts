// The kill-mid-commit fault against the real commands server: it must fire while a transaction
// sits between its writes and its COMMIT, and only at its deadline when no transaction ever does
// (writes and COMMIT in one round trip, as the command service sends them). The process control
// records the kill instead of killing, so the server the other tests use stays up: what is tested
// is when the fault decides to kill, read from the real server's transaction table.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireState } from '../environment/state.ts';
import type { ProcessControl } from '../environment/types.ts';
import type { FaultContext } from './family.ts';
import type { Fault } from './types.ts';
import { uncommittedKillFamily } from './uncommittedKillFamily.ts';

const env = requireState();
const db = env.mariadb.commands;
const TABLE = 'faultline_test_uncommitted';
const connect = () =>
  mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.admin.user,
    password: db.admin.password,
    database: db.database,
    multipleStatements: true,
  });

function harness() {
  const kills: number[] = [];
  const restarts: string[] = [];
  const lines: string[] = [];
  const control = {
    kill: async () => void kills.push(Date.now()),
    restart: async (t: string) => void restarts.push(t),
    identity: async () => 'alive',
  } as unknown as ProcessControl;
  const ctx = { env, control, log: (l: string) => lines.push(l) } as unknown as FaultContext;
  return { runtime: uncommittedKillFamily.create(ctx), kills, restarts, lines };
}

const fault = (withinMs: number, writer?: 'command_service'): Fault => ({
  at: 0,
  fault: 'kill-uncommitted',
  target: 'commands-db',
  duration: withinMs + 1_000,
  params: writer ? { writer, withinMs } : { withinMs },
});

let writer: mysql.Connection;
beforeAll(async () => {
  writer = await connect();
  await writer.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INT PRIMARY KEY AUTO_INCREMENT, at BIGINT) ENGINE=InnoDB`);
});
afterAll(async () => {
  await writer.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await writer.end();
});

describe('kill-uncommitted', () => {
  it('kills while a transaction has written rows and waits for its COMMIT', async () => {
    const h = harness();
    const f = fault(10_000);
    const started = Date.now();
    await h.runtime.start(f, 1);
    await new Promise((r) => setTimeout(r, 300)); // nothing open yet: no kill
    expect(h.kills).toEqual([]);
    await writer.query(`START TRANSACTION; INSERT INTO ${TABLE} (at) VALUES (?)`, [Date.now()]);
    const wrote = Date.now();
    await h.runtime.stop(f, 1); // waits for the kill
    await writer.query('ROLLBACK');
    expect(h.kills).toHaveLength(1);
    expect(h.kills[0]! - wrote).toBeLessThan(1_000);
    expect(h.kills[0]! - started).toBeLessThan(5_000);
    expect(h.restarts).toEqual(['commands-db']);
    expect(h.lines.join('\n')).toMatch(/while root's transaction|while \w+'s transaction \(thread \d+, 1 rows written/);
  });

  it('kills only at its deadline when every transaction sends its writes and COMMIT in one round trip', async () => {
    const h = harness();
    const f = fault(1_500);
    let busy = true;
    const load = (async () => {
      while (busy) await writer.query(`START TRANSACTION; INSERT INTO ${TABLE} (at) VALUES (?); COMMIT`, [Date.now()]);
    })();
    const started = Date.now();
    await h.runtime.start(f, 2);
    await h.runtime.stop(f, 2);
    busy = false;
    await load;
    expect(h.kills).toHaveLength(1);
    expect(h.kills[0]! - started).toBeGreaterThanOrEqual(1_500);
    expect(h.lines.join('\n')).toMatch(/no transaction sat between its writes and its COMMIT within 1500 ms/);
    const [rows] = await writer.query(`SELECT COUNT(*) AS n FROM ${TABLE}`);
    expect(Number((rows as Array<{ n: number }>)[0]!.n)).toBeGreaterThan(10); // the load really ran meanwhile
  });

  it('waits for the named writer only', async () => {
    const h = harness();
    const f = fault(1_000, 'command_service');
    await writer.query(`START TRANSACTION; INSERT INTO ${TABLE} (at) VALUES (?)`, [Date.now()]);
    const started = Date.now();
    await h.runtime.start(f, 3);
    await h.runtime.stop(f, 3);
    await writer.query('ROLLBACK');
    expect(h.kills[0]! - started).toBeGreaterThanOrEqual(1_000); // the admin's open transaction is not the command service's
    expect(h.lines.join('\n')).toMatch(/no transaction of command_service sat between/);
  });
});
