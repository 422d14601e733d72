// The application passwords of the running environment: random, kept 0600 in the run dir, and
// never the role's own name (as `relay`/`relay` once was). The roles are (re)created as `env up`
// does: migrations with the environment's passwords.
import { statSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFileOf, DB_ROLES, KAFKA_PRINCIPALS, readCredentials } from '../../system/shared/credentials.ts';
import { migrate } from '../../system/shared/migrate.ts';
import { runDir, stateFile } from './paths.ts';
import { requireState } from './state.ts';

const env = requireState();
const file = credentialsFileOf(runDir());
const serverOf = {
  command_service: 'commands',
  relay: 'commands',
  projector: 'queries',
  query_api: 'queries',
  cdc_connector: 'commands',
} as const;
const schemas: { db: 'commands' | 'queries'; name: string }[] = [];

const login = async (role: string, password: string) => {
  const d = env.mariadb[serverOf[role as keyof typeof serverOf]];
  const conn = await mysql.createConnection({ host: d.host, port: d.port, user: role, password, connectTimeout: 3000 });
  await conn.end();
};
const adminUrl = (db: 'commands' | 'queries') => {
  const d = env.mariadb[db];
  return `mysql://${encodeURIComponent(d.admin.user)}:${encodeURIComponent(d.admin.password)}@${d.host}:${d.port}/`;
};

describe('application passwords', () => {
  beforeAll(async () => {
    // The environment's own passwords when it has them (it must: the next test says so).
    const passwords = readCredentials(file)?.mariadb;
    for (const db of ['commands', 'queries'] as const) {
      const name = `pw_it_${db}_${Date.now().toString(36)}`;
      await migrate({ adminUrl: adminUrl(db), database: db, schemaName: name, ...(passwords ? { passwords } : {}) });
      schemas.push({ db, name });
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of schemas) {
      const d = env.mariadb[s.db];
      const conn = await mysql.createConnection({ host: d.host, port: d.port, user: d.admin.user, password: d.admin.password });
      await conn.query(`DROP DATABASE IF EXISTS \`${s.name}\``);
      await conn.end();
    }
  });

  it("refuses every database role's login with its own name as password", async () => {
    for (const role of DB_ROLES)
      await expect(login(role, role), `${role}/${role}`).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
  });

  it('keeps random passwords of its own for every role and principal in a 0600 file in the run dir', async () => {
    const creds = readCredentials(file);
    expect(creds, `${file}`).toBeDefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
    const all = [...DB_ROLES.map((r) => creds!.mariadb[r]), ...KAFKA_PRINCIPALS.map((p) => creds!.kafka.passwords[p])];
    expect(new Set(all).size).toBe(all.length);
    for (const pw of all) expect(pw.length).toBeGreaterThanOrEqual(24);
    for (const role of DB_ROLES) await login(role, creds!.mariadb[role]); // and they are the ones set
  });
});
