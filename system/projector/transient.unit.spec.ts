import { describe, expect, it } from 'vitest';
import { NoSuchUserError } from './evolve.ts';
import { isTransient } from './transient.ts';

const dbErr = (code: string, errno?: number) => Object.assign(new Error(code), { code, errno });

describe('isTransient', () => {
  it('retries link failures, lock timeouts, deadlocks and revoked grants', () => {
    expect(isTransient(dbErr('ECONNREFUSED'))).toBe(true);
    expect(isTransient(dbErr('PROTOCOL_CONNECTION_LOST'))).toBe(true);
    expect(isTransient(dbErr('ER_LOCK_WAIT_TIMEOUT', 1205))).toBe(true);
    expect(isTransient(dbErr('ER_LOCK_DEADLOCK', 1213))).toBe(true);
    expect(isTransient(dbErr('ER_TABLEACCESS_DENIED_ERROR', 1142))).toBe(true);
  });

  it('does not retry data errors or a domain refusal', () => {
    expect(isTransient(dbErr('ER_DATA_TOO_LONG', 1406))).toBe(false);
    expect(isTransient(dbErr('ER_PARSE_ERROR', 1064))).toBe(false);
    expect(isTransient(new NoSuchUserError('x'))).toBe(false);
    expect(isTransient(new Error('Pool is closed.'))).toBe(false);
  });
});
