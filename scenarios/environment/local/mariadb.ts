// One MariaDB server per database (`commands`, `queries`), as separate processes with their own
// throwaway data directories: two databases that could live on two machines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { isAlive, type ManagedProcess, readPid, StartError, startProcess, waitFor } from './processes.ts';

export const ADMIN = { user: 'faultline', password: 'faultline' } as const;

export interface MariadbSpec {
  database: 'commands' | 'queries';
  port: number;
  dir: string; // <runDir>/mariadb-<database>
  binaries: { mariadbd: string; installDb: string };
}

const dataDir = (s: MariadbSpec) => join(s.dir, 'data');
// Unix sockets are limited to ~107 bytes; the admin bootstrap only needs TCP, so keep it short.
const socketPath = (s: MariadbSpec) => join(s.dir, 's.sock');

export function mariadbProcess(s: MariadbSpec): ManagedProcess {
  return {
    name: `mariadb-${s.database}`,
    pidFile: join(s.dir, 'pid.json'),
    logFile: join(s.dir, 'server.log'),
    command: s.binaries.mariadbd,
    marker: dataDir(s),
    args: [
      '--no-defaults',
      `--datadir=${dataDir(s)}`,
      `--port=${s.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socketPath(s)}`,
      `--pid-file=${join(s.dir, 'mariadbd.pid')}`,
      '--user=root',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=192M',
      '--innodb-log-file-size=128M',
      '--max-connections=400',
      // Durability stays at the defaults (flush at every commit): the guarantees under test rely on it.
      '--innodb-flush-log-at-trx-commit=1',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
  };
}

function initDataDir(s: MariadbSpec): void {
  if (existsSync(join(dataDir(s), 'mysql'))) return;
  mkdirSync(dataDir(s), { recursive: true });
  const res = spawnSync(
    s.binaries.installDb,
    ['--no-defaults', `--datadir=${dataDir(s)}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) {
    throw new StartError(`mariadb-${s.database}`, `mariadb-install-db failed: ${(res.stderr || res.stdout).slice(-1500)}`);
  }
}

export async function pingMariadb(port: number, user: string = ADMIN.user, password: string = ADMIN.password): Promise<boolean> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user, password, connectTimeout: 2000 });
  try {
    await conn.query('SELECT 1');
    return true;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Starts the server (initialising its data dir on first start) and creates the admin user. */
export async function startMariadb(s: MariadbSpec): Promise<number> {
  const proc = mariadbProcess(s);
  const running = readPid(proc);
  if (running !== undefined) return running;
  initDataDir(s);
  const pid = startProcess(proc);
  try {
    // root has no password on a fresh data dir; it only matches via the socket (skip-name-resolve).
    await waitFor(`mariadb-${s.database}`, async () => {
      const conn = await mysql.createConnection({ socketPath: socketPath(s), user: 'root', connectTimeout: 2000 });
      try {
        await conn.query(`CREATE USER IF NOT EXISTS '${ADMIN.user}'@'127.0.0.1' IDENTIFIED BY '${ADMIN.password}'`);
        await conn.query(`GRANT ALL PRIVILEGES ON *.* TO '${ADMIN.user}'@'127.0.0.1' WITH GRANT OPTION`);
        await conn.query(`CREATE DATABASE IF NOT EXISTS \`${s.database}\` CHARACTER SET utf8mb4`);
        return true;
      } finally {
        await conn.end().catch(() => undefined);
      }
    }, { timeoutMs: 30_000, alive: () => isAlive(pid) });
    await waitFor(`mariadb-${s.database} over TCP`, () => pingMariadb(s.port), { timeoutMs: 10_000 });
  } catch (err) {
    throw new StartError(`mariadb-${s.database}`, (err as Error).message, proc.logFile);
  }
  return pid;
}
