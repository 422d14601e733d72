// `npm run env -- restart <target>` on the running environment: an unknown target is refused with
// the list of what runs; a server is stopped, started again and answers. Needs `env up --infra-only`.
import { spawnSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { requireState } from '../environment/state.ts';

const env = requireState();

function envCli(...args: string[]) {
  const r = spawnSync('npx', ['--no-install', 'tsx', 'scenarios/cli/env.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.runIf(env.provider === 'local')('env restart', () => {
  it('refuses an unknown target with exit 2, naming the targets this environment has', () => {
    const r = envCli('restart', 'no-such-process');
    expect(r.code).toBe(2);
    expect(r.out).toContain('unknown target no-such-process');
    expect(r.out).toMatch(/this environment has: .*commands-db.*queries-db/);
  });

  it('restarts a server: a new process that answers queries', async () => {
    const r = envCli('restart', 'queries-db');
    expect(r.code, r.out).toBe(0);
    const m = /queries-db restarted in [0-9.]+ s \((\d+) → (\d+)\)/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(m![2]).not.toBe(m![1]);
    const db = env.mariadb.queries;
    const c = await mysql.createConnection({ host: db.host, port: db.port, user: db.admin.user, password: db.admin.password });
    const [rows] = await c.query('SELECT 1 AS one');
    await c.end();
    expect(rows).toEqual([{ one: 1 }]);
  });
});
