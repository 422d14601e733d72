import { describe, expect, it } from 'vitest';
import {
  isConnectionError,
  isDuplicateKeyError,
  isLockError,
  isRetriableDbError,
  parseMysqlUrl,
  redactUrl,
  sessionSettings,
} from './db.ts';

describe('parseMysqlUrl', () => {
  it('parses user, password, host, port and database', () => {
    expect(parseMysqlUrl('mysql://command_service:p%40ss@127.0.0.1:29041/commands')).toEqual({
      host: '127.0.0.1',
      port: 29041,
      user: 'command_service',
      password: 'p@ss',
      database: 'commands',
    });
    expect(parseMysqlUrl('mysql://a:b@127.0.0.1:1').database).toBeUndefined();
  });
  it('refuses localhost and other schemes', () => {
    expect(() => parseMysqlUrl('mysql://a:b@localhost:1/x')).toThrow(/127.0.0.1/);
    expect(() => parseMysqlUrl('postgres://a:b@127.0.0.1:1/x')).toThrow(/mysql/);
  });
  it('redacts the password', () => {
    expect(redactUrl('mysql://a:secret@127.0.0.1:1/x')).not.toContain('secret');
  });
});

describe('error classification', () => {
  it.each([
    [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, true],
    [{ code: 'ECONNREFUSED', errno: -111 }, true],
    [{ code: 'ECONNRESET' }, true],
    [{ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }, true],
    [{ code: 'ER_LOCK_DEADLOCK', errno: 1213 }, true],
    [{ errno: 2006 }, true],
    [{ code: 'ER_SERVER_SHUTDOWN', errno: 1053 }, true],
    [{ message: "Can't add new command when connection is in closed state" }, true],
    [{ code: 'ER_DUP_ENTRY', errno: 1062 }, false],
    [{ code: 'ER_PARSE_ERROR', errno: 1064 }, false],
    [{ code: 'ER_TABLEACCESS_DENIED_ERROR', errno: 1142 }, false],
    [{ code: 'ER_DATA_TOO_LONG', errno: 1406 }, false],
    [new Error('Pool is closed.'), false],
    [null, false],
  ])('%j retriable=%s', (err, expected) => {
    expect(isRetriableDbError(err)).toBe(expected);
  });
  it('lock timeouts are retriable but not connection errors (the connection is still good)', () => {
    expect(isConnectionError({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })).toBe(false);
    expect(isConnectionError({ code: 'ECONNRESET' })).toBe(true);
  });
  it('recognises duplicate keys', () => {
    expect(isDuplicateKeyError({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(true);
    expect(isDuplicateKeyError({ code: 'ER_LOCK_DEADLOCK' })).toBe(false);
  });
});

describe('sessionSettings', () => {
  it('always sets UTC and strict SQL mode; isolation and lock wait only when asked', () => {
    const plain = sessionSettings();
    expect(plain).toMatch(/^SET SESSION time_zone = '\+00:00', sql_mode = '[A-Z_,]*STRICT_ALL_TABLES[A-Z_,]*'$/);
    expect(plain).not.toContain('tx_isolation');
    expect(sessionSettings({ isolation: 'READ-COMMITTED', lockWaitTimeoutS: 2.7 })).toMatch(
      /tx_isolation = 'READ-COMMITTED', innodb_lock_wait_timeout = 2$/,
    );
  });
});

describe('isLockError', () => {
  it('is true for deadlocks and lock-wait timeouts only', () => {
    expect(isLockError({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })).toBe(true);
    expect(isLockError({ errno: 1205 })).toBe(true);
    expect(isLockError({ code: 'ECONNRESET' })).toBe(false);
    expect(isLockError({ code: 'ER_DUP_ENTRY', errno: 1062 })).toBe(false);
  });
});
