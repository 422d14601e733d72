import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './handleCommand.ts';
import { parseIfMatch } from './routes.ts';

describe('request identity for idempotency keys', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
  it('the hash changes with method, path, If-Match and body, not with key order', () => {
    const base = { method: 'PUT', path: '/users/u/name', ifMatch: '1', body: { name: 'A' } };
    const h = requestHash(base);
    expect(requestHash({ ...base, body: { name: 'A' } })).toBe(h);
    expect(requestHash({ ...base, body: { name: 'B' } })).not.toBe(h);
    expect(requestHash({ ...base, ifMatch: '2' })).not.toBe(h);
    expect(requestHash({ ...base, ifMatch: undefined })).not.toBe(h);
    expect(requestHash({ ...base, path: '/users/v/name' })).not.toBe(h);
    expect(requestHash({ method: 'POST', path: '/users', body: { name: 'A', dateRegister: 'd' } })).toBe(
      requestHash({ method: 'POST', path: '/users', body: { dateRegister: 'd', name: 'A' } }),
    );
  });
});

describe('parseIfMatch', () => {
  it.each([
    ['3', 3],
    ['"3"', 3],
    ['W/"12"', 12],
    [undefined, undefined],
  ])('%s → %s', (v, n) => expect(parseIfMatch(v)).toBe(n));
});
