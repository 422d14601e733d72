// The credentials of one environment: every Kafka principal's password (SASL/SCRAM-SHA-512; the
// KRaft controller quorum's is SASL/PLAIN) and every least-privilege database role's. Random per
// environment, generated at `env up` into `<run dir>/credentials.json` (mode 0600) and removed
// with the run dir on `down`; each process gets its own through its settings (KAFKA_USERNAME /
// KAFKA_PASSWORD, the password in its database URL). Nothing in the repository knows a password.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Kafka principals: `harness` (the test harness: admin, topic reads, injected records; a super
 * user), `broker` (replication between brokers; super user), `controller` (the KRaft quorum;
 * super user), and one per system process (`connect`: the Kafka Connect worker of the cdc
 * publish modes), each with least-privilege ACLs.
 */
export const KAFKA_PRINCIPALS = [
  'harness',
  'broker',
  'controller',
  'relay',
  'projector',
  'query-api',
  'command-service',
  'connect',
] as const;
export type KafkaPrincipal = (typeof KAFKA_PRINCIPALS)[number];

/** The database roles of sql/<database>/users.sql. */
export const DB_ROLES = ['command_service', 'relay', 'projector', 'query_api', 'cdc_connector'] as const;
export type DbRole = (typeof DB_ROLES)[number];

export interface EnvCredentials {
  kafka: { mechanism: 'scram-sha-512'; passwords: Record<KafkaPrincipal, string> };
  mariadb: Record<DbRole, string>;
}

export const credentialsFileOf = (runDir: string): string => join(runDir, 'credentials.json');

const MIN_LENGTH = 16;
const randomPassword = () => randomBytes(24).toString('base64url');

export function generateCredentials(random: () => string = randomPassword): EnvCredentials {
  return {
    kafka: {
      mechanism: 'scram-sha-512',
      passwords: Object.fromEntries(KAFKA_PRINCIPALS.map((p) => [p, random()])) as Record<KafkaPrincipal, string>,
    },
    mariadb: Object.fromEntries(DB_ROLES.map((r) => [r, random()])) as Record<DbRole, string>,
  };
}

/** Passwords go into properties files, JAAS lines and URLs unquoted: letters, digits, - and _ only. */
const SAFE = /^[A-Za-z0-9_-]+$/;

export function validateCredentials(raw: unknown, where: string): EnvCredentials {
  const c = raw as Partial<EnvCredentials> | undefined;
  const bad = (what: string): never => {
    throw new Error(`${where}: ${what}; remove the run dir (npm run env -- down) to start with new credentials`);
  };
  const ok = (v: unknown) => typeof v === 'string' && v.length >= MIN_LENGTH && SAFE.test(v);
  if (c?.kafka?.mechanism !== 'scram-sha-512') bad('kafka.mechanism must be scram-sha-512');
  for (const p of KAFKA_PRINCIPALS) if (!ok(c?.kafka?.passwords?.[p])) bad(`kafka.passwords.${p} is missing or not a password`);
  for (const r of DB_ROLES) if (!ok(c?.mariadb?.[r])) bad(`mariadb.${r} is missing or not a password`);
  return c as EnvCredentials;
}

export function readCredentials(file: string): EnvCredentials | undefined {
  if (!existsSync(file)) return undefined;
  return validateCredentials(JSON.parse(readFileSync(file, 'utf8')), file);
}

/**
 * The credentials of the environment in `runDir`: created on first use (random, mode 0600, or
 * `given`, e.g. an external environment's) and then read back, so every harness process, a
 * restarted broker and every system process agree on them.
 */
export function environmentCredentials(runDir: string, given?: EnvCredentials): EnvCredentials {
  const file = credentialsFileOf(runDir);
  if (!existsSync(file)) {
    mkdirSync(runDir, { recursive: true });
    const fresh = given ? validateCredentials(given, 'the given credentials') : generateCredentials();
    try {
      writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process won the race
    }
  }
  chmodSync(file, 0o600);
  return readCredentials(file)!;
}
