// One MariaDB server per database (`commands`, `queries`), as separate processes with their own
// throwaway data directories: two databases that could live on two machines. The servers run as
// OS root, so the database's root is locked down: a random password kept in the run dir (0600),
// file export/import confined to an empty directory, LOAD DATA LOCAL off. The system's
// processes use their own least-privilege users (sql/*/users.sql). `commands` keeps a binary log
// (row format, GTID) that the Kafka Connect worker of the cdc publish modes streams from, only
// where the environment was brought up for those modes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import mysql from 'mysql2/promise';
import { isAlive, type ManagedProcess, readPid, StartError, startProcess, waitFor } from './processes.ts';

export interface AdminCredentials {
  user: string;
  password: string;
}

/** The file holding the database root password of the environment in `runDir`. */
export const adminCredentialsFile = (runDir: string) => join(runDir, 'mariadb-root.json');

/**
 * The root credentials of this run dir's servers: created on first use (random, mode 0600) and
 * then read back, so a restarted server and every harness process agree on them.
 */
export function adminCredentials(runDir: string): AdminCredentials {
  const file = adminCredentialsFile(runDir);
  if (!existsSync(file)) {
    mkdirSync(runDir, { recursive: true });
    const fresh: AdminCredentials = { user: 'root', password: randomBytes(24).toString('base64url') };
    try {
      writeFileSync(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process won the race
    }
  }
  chmodSync(file, 0o600);
  const c = JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials;
  if (typeof c.user !== 'string' || typeof c.password !== 'string' || c.password.length < 16)
    throw new Error(`${file}: not valid database admin credentials; remove the run dir (npm run env -- down)`);
  return c;
}

export interface MariadbSpec {
  database: 'commands' | 'queries';
  port: number;
  dir: string; // <runDir>/mariadb-<database>
  binaries: { mariadbd: string; installDb: string };
  /** `commands` only: started with its binary log (BINLOG_SETTINGS). */
  binlog?: boolean;
}

const dataDir = (s: MariadbSpec) => join(s.dir, 'data');
/** The only directory SELECT … INTO OUTFILE / LOAD DATA may touch: empty, inside the run dir. */
const fileDir = (s: MariadbSpec) => join(s.dir, 'secure-files');
/**
 * Internal temporary tables go here, not to the shared /tmp: something else cleaning /tmp (or a
 * second server) made a bootstrap fail with "Error on delete of '/tmp/#sql-temptable-…'".
 */
const tmpDir = (s: MariadbSpec) => join(s.dir, 'tmp');
const specAdmin = (s: MariadbSpec) => adminCredentials(dirname(s.dir));
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
      `--secure-file-priv=${fileDir(s)}`,
      `--tmpdir=${tmpDir(s)}`,
      '--local-infile=0',
      ...(s.database === 'commands' && s.binlog === true ? binlogArgs(s) : []),
    ],
  };
}

/** Where `commands` writes its binary log: inside its run dir, gone with it. */
export const binlogDir = (s: Pick<MariadbSpec, 'dir'>) => join(s.dir, 'binlog');

/**
 * Present while the server in `dir` was last started with its binary log: a restart (a fault,
 * `env restart commands-db`) starts it the same way. Written before the server starts.
 */
const binlogMarker = (dir: string) => join(dir, 'binlog.on');
export const startedWithBinlog = (dir: string): boolean => existsSync(binlogMarker(dir));

/**
 * The binary log of `commands`, what Debezium's MariaDB connector reads (cdc publish modes). On
 * only in environments brought up for those modes: it is not free (sync_binlog=1 is a second
 * fsync per commit; the raw write baseline lost about a fifth to it), and log_bin is not dynamic,
 * so switching means restarting the server. Row images in full (the connector needs every column
 * of an outbox row), GTIDs (MariaDB writes them whenever the log is on; strict mode refuses an
 * out-of-order one), fsync at every commit like InnoDB's log (a binlog that lags the tables would
 * hand the connector a hole after a crash). Files rotate at 16 MB and are kept a day, so a purge is
 * a deliberate act (PURGE BINARY LOGS), never a side effect of a long run.
 */
export const BINLOG_SETTINGS = {
  server_id: 1,
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  gtid_strict_mode: 'ON',
  sync_binlog: 1,
  max_binlog_size: 16 * 1024 * 1024,
  binlog_expire_logs_seconds: 86_400,
} as const;

function binlogArgs(s: MariadbSpec): string[] {
  return [
    `--log-bin=${join(binlogDir(s), 'commands-bin')}`,
    ...Object.entries(BINLOG_SETTINGS).map(([k, v]) => `--${k.replaceAll('_', '-')}=${v}`),
  ];
}

function initDataDir(s: MariadbSpec): void {
  if (existsSync(join(dataDir(s), 'mysql'))) return;
  mkdirSync(dataDir(s), { recursive: true });
  mkdirSync(tmpDir(s), { recursive: true, mode: 0o700 });
  const res = spawnSync(
    s.binaries.installDb,
    [
      '--no-defaults',
      `--datadir=${dataDir(s)}`,
      '--auth-root-authentication-method=normal',
      '--user=root',
      '--skip-test-db',
      `--tmpdir=${tmpDir(s)}`, // passed on to the bootstrap server
    ],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) {
    throw new StartError(`mariadb-${s.database}`, `mariadb-install-db failed: ${(res.stderr || res.stdout).slice(-1500)}`);
  }
}

export async function pingMariadb(port: number, user: string, password: string): Promise<boolean> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user, password, connectTimeout: 2000 });
  try {
    await conn.query('SELECT 1');
    return true;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Whether the server keeps a binary log (@@log_bin), asked of the server itself. */
export async function serverLogBin(port: number, user: string, password: string): Promise<boolean> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port, user, password, connectTimeout: 2000 });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@log_bin AS log_bin');
    return Number(rows[0]?.log_bin) === 1;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * Root over the socket: with its password, or without on a fresh data dir (mariadb-install-db
 * leaves every root account password-less until the first start sets it).
 */
async function rootOverSocket(s: MariadbSpec, password: string): Promise<mysql.Connection> {
  const opts = { socketPath: socketPath(s), user: 'root', connectTimeout: 2000 };
  try {
    return await mysql.createConnection({ ...opts, password });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ER_ACCESS_DENIED_ERROR') throw err;
    return mysql.createConnection(opts);
  }
}

/** Root keeps exactly two accounts, both with the password: the socket one and TCP on 127.0.0.1. */
async function lockDownRoot(conn: mysql.Connection, s: MariadbSpec, admin: AdminCredentials): Promise<void> {
  const pw = conn.escape(admin.password);
  const [users] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT User AS user, Host AS host FROM mysql.user WHERE User IN ('root', '', 'faultline')",
  );
  for (const u of users) {
    if (u.user === 'root' && (u.host === 'localhost' || u.host === '127.0.0.1')) continue;
    await conn.query(`DROP USER ${conn.escape(u.user)}@${conn.escape(u.host)}`);
  }
  await conn.query(`CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ${pw}`);
  await conn.query(`GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION`);
  await conn.query(`ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ${pw}`);
  await conn.query(`ALTER USER 'root'@'localhost' IDENTIFIED BY ${pw}`);
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${s.database}\` CHARACTER SET utf8mb4`);
}

/** Starts the server (initialising its data dir on first start) and locks down root. */
export async function startMariadb(s: MariadbSpec): Promise<number> {
  const proc = mariadbProcess(s);
  const running = readPid(proc);
  if (running !== undefined) return running;
  initDataDir(s);
  mkdirSync(fileDir(s), { recursive: true, mode: 0o700 });
  mkdirSync(tmpDir(s), { recursive: true, mode: 0o700 });
  if (s.database === 'commands') {
    if (s.binlog === true) {
      mkdirSync(binlogDir(s), { recursive: true, mode: 0o700 });
      writeFileSync(binlogMarker(s.dir), '');
    } else rmSync(binlogMarker(s.dir), { force: true });
  }
  const admin = specAdmin(s);
  const pid = startProcess(proc);
  try {
    await waitFor(
      `mariadb-${s.database}`,
      async () => {
        const conn = await rootOverSocket(s, admin.password);
        try {
          await lockDownRoot(conn, s, admin);
          return true;
        } finally {
          await conn.end().catch(() => undefined);
        }
      },
      { timeoutMs: 30_000, alive: () => isAlive(pid) },
    );
    await waitFor(`mariadb-${s.database} over TCP`, () => pingMariadb(s.port, admin.user, admin.password), { timeoutMs: 10_000 });
  } catch (err) {
    throw new StartError(`mariadb-${s.database}`, (err as Error).message, proc.logFile);
  }
  return pid;
}
