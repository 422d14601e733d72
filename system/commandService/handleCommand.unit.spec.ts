import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './handleCommand.ts';
import { PreconditionFailedError, ValidationError } from '../shared/errors.ts';
import { parseIfMatch } from './ifMatch.ts';

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

describe('parseIfMatch (RFC 9110)', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['*', { kind: 'any' }],
    [' * ', { kind: 'any' }],
    ['"3"', { kind: 'version', version: 3 }],
    ['"3", W/"3"', { kind: 'version', version: 3 }],
    ['"abc", "12"', { kind: 'version', version: 12 }],
    ['"3",,"3"', { kind: 'version', version: 3 }],
  ])('%s → %o', (v, parsed) => expect(parseIfMatch(v)).toEqual(parsed));

  it.each(['"3', '3"', '3', 'W/3', '', ',', '"3" "4"', '"a"b"', '*, "3"', 'W/"3', '"\u0007"'])(
    'refuses the malformed %j with 400 and a reason',
    (v) => {
      expect(() => parseIfMatch(v)).toThrow(ValidationError);
      expect(() => parseIfMatch(v)).toThrow(/If-Match must be/);
    },
  );

  it.each([
    ['W/"3"', /weak/],
    ['"abc"', /names a version/],
    ['""', /names a version/],
    ['"1234567890"', /names a version/],
    ['"3", "4"', /several versions/],
  ])('answers %j with 412 and a reason', (v, reason) => {
    let err: unknown;
    try {
      parseIfMatch(v);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect((err as PreconditionFailedError).status).toBe(412);
    expect((err as Error).message).toMatch(reason);
  });
});
