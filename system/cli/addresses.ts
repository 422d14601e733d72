// Where the operator commands (dlq, rebuild) and our integration tests find the servers:
// explicit environment variables first, then `.faultline/env.json` written by `npm run env -- up`
// (the real servers, admin account), then the given fallback.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbServer, EnvAddresses } from '../../scenarios/environment/types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readEnvFile(path = join(ROOT, '.faultline', 'env.json')): EnvAddresses | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as EnvAddresses;
}

export function adminUrl(db: DbServer, schema: string = db.database): string {
  const a = db.admin;
  return `mysql://${encodeURIComponent(a.user)}:${encodeURIComponent(a.password)}@${db.host}:${db.port}/${schema}`;
}

export interface ServerAddresses {
  kafkaBrokers: string[];
  commandsDbUrl: string;
  queriesDbUrl: string;
}

/**
 * `names` are the variables to look at first (e.g. QUERIES_DB_URL); `fallback` applies when
 * neither the variables nor env.json say anything.
 */
export function resolveAddresses(
  names: { kafka: string; commands: string; queries: string },
  fallback: ServerAddresses,
  source: Record<string, string | undefined> = process.env,
): ServerAddresses {
  const file = readEnvFile();
  const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    kafkaBrokers: list(source[names.kafka]) ?? file?.kafka.internal ?? fallback.kafkaBrokers,
    commandsDbUrl: source[names.commands] ?? (file ? adminUrl(file.mariadb.commands) : fallback.commandsDbUrl),
    queriesDbUrl: source[names.queries] ?? (file ? adminUrl(file.mariadb.queries) : fallback.queriesDbUrl),
  };
}
