// The throwaway MariaDB servers run as OS root, so their database root must not be an open door:
// a random password kept in the run dir (0600), no password-less root over TCP, file export and
// import confined to an empty directory, LOAD DATA LOCAL off. The same holds for the container
// provider's servers (its tier runs this file too). Needs `npm run env -- up --infra-only`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { adminCredentialsFile } from './local/mariadb.ts';
import { runDir } from './paths.ts';
import { requireState } from './state.ts';
import { stateFile } from './paths.ts';

const env = requireState();
const local = env.provider === 'local';
/** The directory file export/import is confined to: in the run dir, or inside the container. */
const secureDir = (db: string) => (local ? join(runDir(), `mariadb-${db}`, 'secure-files') : '/var/lib/mysql-files');

async function connectError(opts: mysql.ConnectionOptions): Promise<string | undefined> {
  try {
    const c = await mysql.createConnection({ host: '127.0.0.1', connectTimeout: 3000, ...opts });
    await c.end();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

describe.runIf(local || env.provider === 'testcontainers')(`MariaDB root on the ${env.provider} provider`, () => {
  for (const db of ['commands', 'queries'] as const) {
    const server = env.mariadb[db];

    it(`${db}: refuses root over TCP without the password, or with a wrong one`, async () => {
      expect(await connectError({ port: server.port, user: 'root' })).toBe('ER_ACCESS_DENIED_ERROR');
      expect(await connectError({ port: server.port, user: 'root', password: 'faultline' })).toBe('ER_ACCESS_DENIED_ERROR');
      expect(await connectError({ port: server.port, user: 'faultline', password: 'faultline' })).toBe('ER_ACCESS_DENIED_ERROR');
    });

    it(`${db}: the harness's admin is root with the run dir's password; files stay in an empty dir; no LOCAL INFILE`, async () => {
      expect(server.admin.user).toBe('root');
      const c = await mysql.createConnection({
        host: server.host,
        port: server.port,
        user: server.admin.user,
        password: server.admin.password,
      });
      try {
        const [[vars]] = await c.query<mysql.RowDataPacket[]>('SELECT @@secure_file_priv AS dir, @@local_infile AS localInfile');
        expect(vars!.localInfile).toBe(0);
        const dir = String(vars!.dir).replace(/\/$/, '');
        expect(dir).toBe(secureDir(db));
        if (local) expect(readdirSync(dir)).toEqual([]);
        await expect(c.query("SELECT 'x' INTO OUTFILE '/tmp/faultline-root-probe.txt'")).rejects.toMatchObject({
          code: 'ER_OPTION_PREVENTS_STATEMENT',
        });
        expect(existsSync('/tmp/faultline-root-probe.txt')).toBe(false);
        const [roots] = await c.query<mysql.RowDataPacket[]>(
          "SELECT Host AS host FROM mysql.user WHERE User = 'root' OR User = '' ORDER BY Host",
        );
        expect(roots.map((r) => r.host)).toEqual(['127.0.0.1', 'localhost']);
      } finally {
        await c.end();
      }
    });
  }

  it('keeps the password in files only their owner can read', () => {
    for (const file of [adminCredentialsFile(runDir()), stateFile()]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
  });
});
