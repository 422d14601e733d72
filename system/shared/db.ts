// MariaDB access shared by every process: a mysql2/promise pool from one URL, a transaction
// helper, and the classification of errors into retriable (the server or the link failed, or
// InnoDB asked us to retry) vs not (our bug or bad data). Retry loops use only that flag.
import mysql, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import { DEFAULTS } from './config.ts';

export type { Pool, PoolConnection } from 'mysql2/promise';

export interface MysqlUrlParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string | undefined;
}

/** Parse `mysql://user:pass@127.0.0.1:3306/db`. `localhost` is refused: it may bypass a proxy. */
export function parseMysqlUrl(url: string): MysqlUrlParts {
  const u = new URL(url);
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new Error(`not a mysql:// URL: ${redactUrl(url)}`);
  if (u.hostname === 'localhost') throw new Error(`use 127.0.0.1, not localhost: ${redactUrl(url)}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: database === '' ? undefined : database,
  };
}

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

export interface PoolFactoryOptions {
  connectionLimit?: number;
  connectTimeoutMs?: number;
  /** The migration runner (whole files) and the command service's group commit (several
   *  statements in one round trip, every value still escaped by mysql2) need it. */
  multipleStatements?: boolean;
  /** Session isolation; the server's default (REPEATABLE READ) when absent. */
  isolation?: 'READ-COMMITTED' | 'REPEATABLE-READ';
  /** innodb_lock_wait_timeout in seconds; the server's default (50 s) when absent. */
  lockWaitTimeoutS?: number;
  /** JSON columns come back as their stored text, unparsed (the relay splices it into records). */
  jsonStrings?: boolean;
}

/**
 * Every session runs in strict mode: a value that does not fit its column (an out-of-range
 * version, an over-long key, an impossible date) is an error, never a silent clamp or truncation.
 * STRICT_ALL_TABLES also covers non-transactional tables; INSERT IGNORE would still turn such
 * errors into warnings, so the write path does not use it.
 */
export const SQL_MODE =
  'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_CREATE_USER';

/** The one statement each new pool connection runs first. */
export function sessionSettings(opts: Pick<PoolFactoryOptions, 'isolation' | 'lockWaitTimeoutS'> = {}): string {
  // UTC sessions, so NOW()/CURRENT_TIMESTAMP agree with what the client writes.
  const sets = [`time_zone = '+00:00'`, `sql_mode = '${SQL_MODE}'`];
  if (opts.isolation) sets.push(`tx_isolation = '${opts.isolation}'`);
  if (opts.lockWaitTimeoutS !== undefined) sets.push(`innodb_lock_wait_timeout = ${Math.max(1, Math.floor(opts.lockWaitTimeoutS))}`);
  return `SET SESSION ${sets.join(', ')}`;
}

/**
 * A pool with UTC everywhere (`timezone: 'Z'`): DATETIME/TIMESTAMP values go in and come out as
 * UTC, whatever the machine's zone. JSON columns come back as strings on MariaDB (JSON is LONGTEXT
 * there): JSON.parse them.
 */
export function createPool(url: string, opts: PoolFactoryOptions = {}): Pool {
  const p = parseMysqlUrl(url);
  const options: PoolOptions = {
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    ...(p.database ? { database: p.database } : {}),
    connectionLimit: opts.connectionLimit ?? DEFAULTS.dbPoolSize,
    connectTimeout: opts.connectTimeoutMs ?? DEFAULTS.dbConnectTimeoutMs,
    waitForConnections: true,
    queueLimit: 0,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    enableKeepAlive: true,
    multipleStatements: opts.multipleStatements ?? false,
    jsonStrings: opts.jsonStrings ?? false,
  };
  const pool = mysql.createPool(options);
  onNewConnection(pool, [sessionSettings(opts)]);
  return pool;
}

/** The callback connection mysql2's pool hands its `connection` listeners (its types say promise). */
interface CoreConnection {
  query(sql: string, callback: (err: Error | null) => void): unknown;
  destroy(): void;
}

/**
 * Runs `statements` first on every new connection of the pool: queued before anything the pool
 * hands the connection out for. A connection whose settings fail is destroyed rather than used
 * without them (strict SQL mode, UTC, isolation): its first user sees a connection error.
 */
export function onNewConnection(pool: Pool, statements: readonly string[]): void {
  pool.on('connection', (conn) => {
    const core = conn as unknown as CoreConnection;
    for (const sql of statements)
      core.query(sql, (err) => {
        if (err) core.destroy();
      });
  });
}

/**
 * Run `fn` inside one transaction on a dedicated connection: commit on success, roll back on any
 * error (and rethrow it). A connection that failed at the link level is destroyed, not returned
 * to the pool. Note: if COMMIT itself fails with a connection error, the outcome is UNKNOWN.
 */
export async function withTransaction<T>(pool: Pool, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  let broken = false;
  try {
    await conn.beginTransaction();
    const result = await fn(conn);
    await conn.commit();
    return result;
  } catch (err) {
    broken = isConnectionError(err);
    if (!broken) {
      try {
        await conn.rollback();
      } catch {
        broken = true; // a connection that cannot roll back is not reused
      }
    }
    throw err;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

interface MysqlLikeError {
  code?: string;
  errno?: number;
  fatal?: boolean;
  message?: string;
}

// Errors of the link or server process: the statement may or may not have run.
const CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ER_SERVER_SHUTDOWN', // 1053
  'ER_CON_COUNT_ERROR', // 1040 too many connections
  'ER_CONNECTION_KILLED', // 1927
  'CR_SERVER_GONE_ERROR', // 2006
  'CR_SERVER_LOST', // 2013
]);
const CONNECTION_ERRNOS = new Set([1040, 1053, 1927, 2002, 2003, 2006, 2013, 2055]);

// InnoDB asks the client to retry the transaction.
const TRANSIENT_CODES = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);
const TRANSIENT_ERRNOS = new Set([1205, 1213]);

/** True when the connection itself failed (destroy it; the outcome of an in-flight COMMIT is unknown). */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as MysqlLikeError;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  if (e.errno !== undefined && CONNECTION_ERRNOS.has(e.errno)) return true;
  // mysql2 marks link-level failures fatal; and refuses commands on a closed connection.
  if (e.fatal === true) return true;
  return typeof e.message === 'string' && /connection is in closed state|Connection lost/i.test(e.message);
}

/** InnoDB asked for the transaction to be retried: deadlock or lock wait timeout. */
export function isLockError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as MysqlLikeError;
  return (e.code !== undefined && TRANSIENT_CODES.has(e.code)) || (e.errno !== undefined && TRANSIENT_ERRNOS.has(e.errno));
}

/** Retriable: link/server failures, lock wait timeout, deadlock. Not: syntax, constraint, privilege, data errors. */
export function isRetriableDbError(err: unknown): boolean {
  return isLockError(err) || isConnectionError(err);
}

/** Duplicate key (ER_DUP_ENTRY 1062): used for optimistic concurrency and idempotency races. */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as MysqlLikeError;
  return e.code === 'ER_DUP_ENTRY' || e.errno === 1062;
}

/** Readiness probe: one round trip, bounded by `timeoutMs`. */
export async function pingPool(pool: Pool, timeoutMs = DEFAULTS.readinessCheckTimeoutMs): Promise<void> {
  await pool.query({ sql: 'SELECT 1', timeout: timeoutMs });
}

/** One SQL statement and its values, to be run alone or with others in one round trip. */
export interface Statement {
  sql: string;
  values: unknown[];
}

/**
 * Runs `stmts` in order on `conn` and returns each one's result. When the connection allows
 * several statements per query (`multipleStatements`), they go in ONE round trip (mysql2 still
 * escapes every value); otherwise one by one. Either way the same statements run in the same order
 * and the same transaction; on the first error the rest do not run, and the error is thrown.
 */
export async function runStatements(conn: PoolConnection, stmts: readonly Statement[]): Promise<unknown[]> {
  if (stmts.length === 0) return [];
  const batched = (conn.connection as { config?: { multipleStatements?: boolean } }).config?.multipleStatements === true;
  if (!batched || stmts.length === 1) {
    const out: unknown[] = [];
    for (const s of stmts) out.push((await conn.query(s.sql, s.values))[0]);
    return out;
  }
  const [results] = await conn.query(
    stmts.map((s) => s.sql).join(';\n'),
    stmts.flatMap((s) => s.values),
  );
  return results as unknown[];
}
