// Where the operator commands (dlq, rebuild) and our integration tests find the servers:
// explicit environment variables first, then `<run dir>/env.json` written by `npm run env -- up`
// (the real servers, admin account; the run dir is FAULTLINE_RUN_DIR, default `.faultline`, as
// for every other command), then the given fallback. Only the few fields read here are declared:
// `system/` does not import the harness.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialsFileOf, type EnvCredentials, readCredentials } from './credentials.ts';
import type { KafkaSasl } from './kafka.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DbServerAddress {
  host: string;
  port: number;
  database: string;
  admin: { user: string; password: string };
}

/** The part of the environment's `env.json` the system's tools read. */
export interface EnvFile {
  kafka: { internal: string[]; sasl?: KafkaSasl };
  mariadb: { commands: DbServerAddress; queries: DbServerAddress };
}

type Env = Record<string, string | undefined>;

export const runDirOf = (env: Env = process.env): string => env.FAULTLINE_RUN_DIR ?? join(ROOT, '.faultline');

export function readEnvFile(path = join(runDirOf(), 'env.json')): EnvFile | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<EnvFile>;
  if (!parsed.mariadb?.commands || !parsed.mariadb.queries || !Array.isArray(parsed.kafka?.internal)) {
    throw new Error(`${path} does not describe an environment (kafka.internal, mariadb.commands, mariadb.queries)`);
  }
  return parsed as EnvFile;
}

export function adminUrl(db: DbServerAddress, schema: string = db.database): string {
  const a = db.admin;
  return `mysql://${encodeURIComponent(a.user)}:${encodeURIComponent(a.password)}@${db.host}:${db.port}/${schema}`;
}

export interface ServerAddresses {
  kafkaBrokers: string[];
  /** The harness's Kafka principal (env.json's kafka.sasl), where the brokers authenticate. */
  kafkaSasl?: KafkaSasl | undefined;
  /** The environment's credentials file (<run dir>/credentials.json): the system's principals and roles. */
  credentials?: EnvCredentials | undefined;
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
  source: Env = process.env,
): ServerAddresses {
  const file = readEnvFile(join(runDirOf(source), 'env.json'));
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const credentials = readCredentials(credentialsFileOf(runDirOf(source)));
  return {
    kafkaBrokers: list(source[names.kafka]) ?? file?.kafka.internal ?? fallback.kafkaBrokers,
    ...(file?.kafka.sasl ? { kafkaSasl: file.kafka.sasl } : fallback.kafkaSasl ? { kafkaSasl: fallback.kafkaSasl } : {}),
    ...(credentials ? { credentials } : {}),
    commandsDbUrl: source[names.commands] ?? (file ? adminUrl(file.mariadb.commands) : fallback.commandsDbUrl),
    queriesDbUrl: source[names.queries] ?? (file ? adminUrl(file.mariadb.queries) : fallback.queriesDbUrl),
  };
}
