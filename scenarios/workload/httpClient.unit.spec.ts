import { describe, expect, it } from 'vitest';
import { classify, toRequest } from './httpClient.ts';

const answer = (status: number, body: Record<string, unknown> = {}) => ({ kind: 'answer' as const, status, body });
const lost = { kind: 'no-answer' as const, error: 'ECONNRESET' };

describe('outcome classification', () => {
  it('a 2xx is ok, with the version and event id it reports', () => {
    expect(classify([answer(201, { version: 1, eventId: 'e1' })])).toEqual({ outcome: 'ok', status: 201, version: 1, eventId: 'e1' });
  });
  it('a replayed 2xx after a lost reply is still ok', () => {
    expect(classify([lost, answer(201, { version: 3, eventId: 'e3' })]).outcome).toBe('ok');
  });
  it('a 4xx on the only attempt is a definite fail', () => {
    expect(classify([answer(409, { message: 'version conflict' })])).toMatchObject({
      outcome: 'fail',
      status: 409,
      error: 'version conflict',
    });
  });
  it('a 4xx after an attempt with no answer stays unknown: the first may still commit', () => {
    expect(classify([lost, answer(409)]).outcome).toBe('unknown');
  });
  it('no answer, or a 5xx, is unknown', () => {
    expect(classify([lost, lost, lost]).outcome).toBe('unknown');
    expect(classify([answer(503)]).outcome).toBe('unknown');
  });
});

describe('requests', () => {
  it('carries the idempotency key, the correlation id and If-Match', () => {
    const r = toRequest({ kind: 'rename', userId: 'u 1', name: 'Ada', expectedVersion: 2 }, 'k1', 'c1');
    expect(r).toEqual({
      method: 'PUT',
      path: '/users/u%201/name',
      body: '{"name":"Ada"}',
      headers: { 'idempotency-key': 'k1', 'x-correlation-id': 'c1', 'if-match': '"2"' },
    });
  });
  it('sends the date given, and pads a body with whitespace to exactly the bytes asked for', () => {
    const r = toRequest({ kind: 'register', userId: 'u', name: '😀', dateRegister: '9999-12-31', padTo: 100 }, 'k', 'c');
    expect(Buffer.byteLength(r.body!, 'utf8')).toBe(100);
    expect(JSON.parse(r.body!)).toEqual({ id: 'u', name: '😀', dateRegister: '9999-12-31' });
    expect(() => toRequest({ kind: 'rename', userId: 'u', name: 'x'.repeat(50), padTo: 10 }, 'k', 'c')).toThrow(/cannot pad/);
  });
});
