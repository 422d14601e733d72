import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  credentialsFileOf,
  DB_ROLES,
  environmentCredentials,
  generateCredentials,
  KAFKA_PRINCIPALS,
  validateCredentials,
} from './credentials.ts';
import { rolesOf } from './migrate.ts';

const SQL = join(import.meta.dirname, '..', '..', 'sql');

describe('environment credentials', () => {
  it('are random: every role and principal its own password, another one each time', () => {
    const a = generateCredentials();
    const b = generateCredentials();
    const all = (c: typeof a) => [...Object.values(c.mariadb), ...Object.values(c.kafka.passwords)];
    expect(new Set(all(a)).size).toBe(DB_ROLES.length + KAFKA_PRINCIPALS.length);
    for (const pw of all(a)) expect(all(b)).not.toContain(pw);
    for (const role of DB_ROLES) expect(a.mariadb[role]).not.toBe(role);
    expect(() => validateCredentials(a, 'x')).not.toThrow();
  });

  it('refuses weak or unquotable passwords', () => {
    const c = generateCredentials();
    expect(() => validateCredentials({ ...c, mariadb: { ...c.mariadb, relay: 'relay' } }, 'f')).toThrow(/mariadb.relay/);
    expect(() => validateCredentials({ ...c, mariadb: { ...c.mariadb, relay: 'a"b;c d and more chars' } }, 'f')).toThrow(/mariadb.relay/);
  });

  it('are created once per run dir, mode 0600, and read back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-creds-'));
    try {
      const first = environmentCredentials(dir);
      expect(statSync(credentialsFileOf(dir)).mode & 0o777).toBe(0o600);
      expect(environmentCredentials(dir)).toEqual(first);
      expect(JSON.parse(readFileSync(credentialsFileOf(dir), 'utf8'))).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are nowhere in sql/: users.sql creates each role locked, without a password', () => {
    const roles: string[] = [];
    for (const db of ['commands', 'queries']) {
      for (const f of readdirSync(join(SQL, db)))
        expect(readFileSync(join(SQL, db, f), 'utf8'), f).not.toMatch(/IDENTIFIED|PASSWORD\s*\(/i);
      const users = readFileSync(join(SQL, db, 'users.sql'), 'utf8');
      for (const role of rolesOf(users)) expect(users).toContain(`CREATE USER IF NOT EXISTS '${role}'@'127.0.0.1' ACCOUNT LOCK;`);
      roles.push(...rolesOf(users));
    }
    expect(roles.sort()).toEqual([...DB_ROLES].sort());
  });
});
