import { describe, expect, it } from 'vitest';
import { parseAccepted, registerRequest } from './requests.ts';

describe('registerRequest', () => {
  it('registers a new user whose id is also in its own idempotency key', () => {
    const r = registerRequest(() => '0190a0b0-0000-7000-8000-000000000001', 7);
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/users');
    expect(r.headers['idempotency-key']).toBe('load-0190a0b0-0000-7000-8000-000000000001');
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toEqual({ id: '0190a0b0-0000-7000-8000-000000000001', name: 'load user 7', dateRegister: '2026-11-28' });
  });
  it('each call gets a fresh id and key (no replays, no conflicts)', () => {
    const a = registerRequest();
    const b = registerRequest();
    expect(JSON.parse(a.body).id).not.toBe(JSON.parse(b.body).id);
    expect(a.headers['idempotency-key']).not.toBe(b.headers['idempotency-key']);
    expect(JSON.parse(a.body).id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('parseAccepted', () => {
  it('reads id and version of a 201', () => {
    expect(parseAccepted(201, '{"id":"u1","version":1,"eventId":"e"}')).toEqual({ id: 'u1', version: 1 });
  });
  it('ignores other statuses and malformed bodies', () => {
    expect(parseAccepted(200, '{"id":"u1","version":1}')).toBeUndefined();
    expect(parseAccepted(201, 'not json')).toBeUndefined();
    expect(parseAccepted(201, '{"id":"u1"}')).toBeUndefined();
    expect(parseAccepted(201, undefined)).toBeUndefined();
  });
});
