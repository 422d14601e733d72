// Schema migrations, applied at start (or from the CLI) as the admin user: every
// `sql/<database>/NNN_*.sql` not yet recorded in `schema_migrations`, in order, then
// `sql/<database>/users.sql` (least-privilege users, idempotent, re-applied every time so grants
// follow the files). A named lock serialises concurrent starters.
//
// users.sql holds no password: it creates each role locked (ACCOUNT LOCK); `passwords` (the
// environment's, see credentials.ts) sets a role's password and unlocks it. A role given none
// stays as it was: locked when new, so nobody can log in as it with an empty password.
//
// SQL files may write `{{database}}` where the schema name belongs (users.sql grants): it is
// replaced by the (backtick-quoted) target schema, so tests can migrate a throwaway schema.
//
// CLI: tsx system/shared/migrate.ts <commands|queries> [adminUrl] [schemaName]
//      (adminUrl defaults to $<DATABASE>_DB_ADMIN_URL, e.g. COMMANDS_DB_ADMIN_URL)
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPool } from './db.ts';
import type { Logger } from './logger.ts';

export type DatabaseName = 'commands' | 'queries';

export interface MigrateOptions {
  adminUrl: string; // mysql://admin:pass@127.0.0.1:port (any path is ignored)
  database: DatabaseName; // which sql/<database>/ directory
  schemaName?: string; // the schema to create/migrate; default = database
  sqlRoot?: string; // default: <repo>/sql
  logger?: Logger;
  /** Passwords of the roles users.sql creates, by role name (others are ignored). */
  passwords?: Partial<Record<string, string>>;
}

export interface MigrateResult {
  schemaName: string;
  applied: string[]; // files applied by this call
  skipped: string[]; // files already recorded
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIGRATION_FILE = /^(\d{3})_[\w-]+\.sql$/;

export function quoteIdent(name: string): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error(`refusing schema name ${JSON.stringify(name)}: use [A-Za-z0-9_]{1,64}`);
  return `\`${name}\``;
}

export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  const schemaName = opts.schemaName ?? opts.database;
  const schema = quoteIdent(schemaName);
  const dir = join(opts.sqlRoot ?? join(REPO_ROOT, 'sql'), opts.database);
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  const url = new URL(opts.adminUrl);
  url.pathname = '/';
  const pool = createPool(url.toString(), { connectionLimit: 1, multipleStatements: true });
  const applied: string[] = [];
  const skipped: string[] = [];
  const lockName = `faultline_migrate_${schemaName}`;
  try {
    const conn = await pool.getConnection();
    try {
      const [lockRows] = await conn.query('SELECT GET_LOCK(?, 60) AS got', [lockName]);
      if ((lockRows as Array<{ got: number | null }>)[0]?.got !== 1)
        throw new Error(`could not take migration lock ${lockName} within 60 s`);
      await conn.query(`CREATE DATABASE IF NOT EXISTS ${schema} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await conn.query(`USE ${schema}`);
      await conn.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           name VARCHAR(255) NOT NULL PRIMARY KEY,
           checksum CHAR(64) NOT NULL,
           applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      );
      const [rows] = await conn.query('SELECT name, checksum FROM schema_migrations');
      const done = new Map((rows as Array<{ name: string; checksum: string }>).map((r) => [r.name, r.checksum]));
      for (const file of files) {
        const sql = substitute(await readFile(join(dir, file), 'utf8'), schema);
        const checksum = createHash('sha256').update(sql).digest('hex');
        const previous = done.get(file);
        if (previous !== undefined) {
          if (previous !== checksum) opts.logger?.warn({ file, schemaName }, 'applied migration file changed since; not re-applied');
          skipped.push(file);
          continue;
        }
        // DDL commits implicitly in MariaDB: a file that fails halfway must be idempotent to re-run
        // (CREATE TABLE IF NOT EXISTS ...); it is recorded only once it fully succeeded.
        await conn.query(sql);
        await conn.query('INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)', [file, checksum]);
        applied.push(file);
        opts.logger?.info({ file, schemaName }, 'migration applied');
      }
      const usersFile = join(dir, 'users.sql');
      const users = await readFile(usersFile, 'utf8').catch(() => undefined);
      if (users !== undefined) {
        await conn.query(substitute(users, schema));
        for (const role of rolesOf(users)) {
          const password = opts.passwords?.[role];
          if (password === undefined) continue;
          await conn.query(`ALTER USER ?@'127.0.0.1' IDENTIFIED BY ? ACCOUNT UNLOCK`, [role, password]);
        }
      }
      await conn.query('SELECT RELEASE_LOCK(?)', [lockName]);
    } finally {
      conn.release();
    }
  } finally {
    await pool.end();
  }
  return { schemaName, applied, skipped };
}

/** The roles a users.sql creates (`CREATE USER IF NOT EXISTS 'name'@'127.0.0.1'`). */
export function rolesOf(usersSql: string): string[] {
  return [...usersSql.matchAll(/^CREATE USER IF NOT EXISTS '(\w+)'@'127\.0\.0\.1'/gm)].map((m) => m[1]!);
}

function substitute(sql: string, quotedSchema: string): string {
  return sql.replaceAll('{{database}}', quotedSchema);
}

async function cli(argv: string[]): Promise<void> {
  const [database, urlArg, schemaName] = argv;
  if (database !== 'commands' && database !== 'queries') {
    process.stderr.write('usage: migrate.ts <commands|queries> [adminUrl] [schemaName]\n');
    process.exit(2);
  }
  const adminUrl = urlArg ?? process.env[`${database.toUpperCase()}_DB_ADMIN_URL`];
  if (!adminUrl) {
    process.stderr.write(`invalid configuration: ${database.toUpperCase()}_DB_ADMIN_URL=(unset); accepted: a URL mysql://…\n`);
    process.exit(2);
  }
  const result = await migrate({ adminUrl, database, ...(schemaName ? { schemaName } : {}) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
