import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConcurrencyError,
  ConfigError,
  DependencyUnavailableError,
  ERROR_CODES,
  type FaultlineError,
  IdempotencyKeyReuseError,
  MalformedBodyError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  StreamDeletedError,
  UnsupportedMediaTypeError,
  ValidationError,
  isRetriable,
} from './errors.ts';

const samples: FaultlineError[] = [
  new ValidationError('x'),
  new MalformedBodyError('INVALID_JSON', 'x'),
  new MalformedBodyError('INVALID_UTF8', 'x'),
  new MalformedBodyError('EMPTY_BODY', 'x'),
  new PayloadTooLargeError(10),
  new UnsupportedMediaTypeError('text/plain'),
  new MethodNotAllowedError('PATCH', '/users', ['POST']),
  new NotFoundError('u1'),
  new AlreadyExistsError('u1'),
  new StreamDeletedError('u1'),
  new ConcurrencyError('u1', 2, 3),
  new PreconditionFailedError('x', '*'),
  new IdempotencyKeyReuseError('k'),
  new DependencyUnavailableError('db'),
  new ConfigError('X', 'y', 'z'),
];

describe('errors', () => {
  it.each(samples.map((e) => [e.code, e] as const))('%s is documented with the status and retriable flag it carries', (_code, e) => {
    const doc = ERROR_CODES[e.code];
    expect(doc).toBeDefined();
    expect(doc!.status).toBe(e.status);
    expect(doc!.retriable).toBe(e.retriable);
  });

  it('carries its data into the body', () => {
    const e = new ConcurrencyError('u1', 2, 3);
    expect(e.toBody()).toEqual({
      error: 'VERSION_CONFLICT',
      message: expect.stringContaining('version 3, expected 2'),
      id: 'u1',
      expectedVersion: 2,
      actualVersion: 3,
    });
    expect(e.expected).toBe(2);
    expect(e.name).toBe('ConcurrencyError');
  });

  it('isRetriable decides from the flag alone', () => {
    expect(isRetriable(new DependencyUnavailableError('db'))).toBe(true);
    expect(isRetriable(new NotFoundError('u'))).toBe(false);
    expect(isRetriable(new Error('ECONNRESET'))).toBe(false);
  });
});
