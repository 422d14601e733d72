// One error tree for the whole system (as kafkajs and emmett keep theirs). Every error carries its data,
// an HTTP status, a stable machine code and a `retriable` flag; retry loops and the HTTP error
// mapper decide from those fields alone, never from message text.

export interface ErrorBody {
  error: string; // stable code, e.g. USER_NOT_FOUND
  message: string; // human-readable reason
  [detail: string]: unknown;
}

export class FaultlineError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    status: number,
    message: string,
    opts: { retriable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.retriable = opts.retriable ?? false;
    this.details = opts.details ?? {};
  }

  toBody(): ErrorBody {
    return { ...this.details, error: this.code, message: this.message };
  }
}

/** Input the client sent is not acceptable (schema, semantics). Never retriable. */
export class ValidationError extends FaultlineError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION_FAILED', 400, message, { details });
  }
}

export class MalformedBodyError extends FaultlineError {
  constructor(reason: 'INVALID_JSON' | 'INVALID_UTF8' | 'EMPTY_BODY', message: string) {
    super(reason, 400, message);
  }
}

export class PayloadTooLargeError extends FaultlineError {
  constructor(readonly limitBytes: number) {
    super('BODY_TOO_LARGE', 413, `request body exceeds ${limitBytes} bytes`, { details: { limitBytes } });
  }
}

export class UnsupportedMediaTypeError extends FaultlineError {
  constructor(
    readonly contentType: string | undefined,
    reason = `content-type ${contentType ?? '(none)'} is not accepted; send application/json`,
  ) {
    super('UNSUPPORTED_MEDIA_TYPE', 415, reason, { details: { contentType: contentType ?? null } });
  }
}

/** A known path asked with a method it does not have; `allowed` goes in the Allow header. */
export class MethodNotAllowedError extends FaultlineError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly allowed: string[],
  ) {
    super('METHOD_NOT_ALLOWED', 405, `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, { details: { allowed } });
  }
}

export class NotFoundError extends FaultlineError {
  constructor(readonly streamId: string) {
    super('USER_NOT_FOUND', 404, `user ${streamId} does not exist`, { details: { id: streamId } });
  }
}

export class AlreadyExistsError extends FaultlineError {
  constructor(readonly streamId: string) {
    super('USER_ALREADY_EXISTS', 409, `user ${streamId} already exists`, { details: { id: streamId } });
  }
}

/** The stream was deleted: commands on it are refused for good (410, not 404: it did exist). */
export class StreamDeletedError extends FaultlineError {
  constructor(readonly streamId: string) {
    super('USER_DELETED', 410, `user ${streamId} was deleted`, { details: { id: streamId } });
  }
}

/**
 * Optimistic concurrency: the caller expected `expected` but the stream is at `actual`
 * (`actual` is null when a concurrent writer won the race and its version is not known yet).
 */
export class ConcurrencyError extends FaultlineError {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number | null,
  ) {
    super('VERSION_CONFLICT', 409, `user ${streamId} is at version ${actual ?? 'unknown'}, expected ${expected}`, {
      details: { id: streamId, expectedVersion: expected, actualVersion: actual },
    });
  }
}

/** An If-Match condition that cannot hold, or one the service does not evaluate (RFC 9110 412). */
export class PreconditionFailedError extends FaultlineError {
  constructor(reason: string, ifMatch: string) {
    super('PRECONDITION_FAILED', 412, reason, { details: { ifMatch } });
  }
}

/** Same Idempotency-Key, different request: refusing is the only safe answer. */
export class IdempotencyKeyReuseError extends FaultlineError {
  constructor(readonly key: string) {
    super('IDEMPOTENCY_KEY_REUSED', 422, `Idempotency-Key ${key} was already used for a different request`, {
      details: { idempotencyKey: key },
    });
  }
}

/** A dependency (database, broker) failed transiently: the client may retry (with its key). */
export class DependencyUnavailableError extends FaultlineError {
  constructor(
    readonly dependency: string,
    cause?: unknown,
  ) {
    super('DEPENDENCY_UNAVAILABLE', 503, `${dependency} is unavailable`, {
      retriable: true,
      details: { dependency },
      cause,
    });
  }
}

/** A bad configuration value. Not an HTTP error: main() prints it on one line and exits. */
export class ConfigError extends FaultlineError {
  constructor(
    readonly variable: string,
    readonly accepted: string,
    readonly got: string | undefined,
  ) {
    super(
      'CONFIG_INVALID',
      500,
      `invalid configuration: ${variable}=${got === undefined ? '(unset)' : JSON.stringify(got)}; accepted: ${accepted}`,
      {
        details: { variable, accepted },
      },
    );
  }
}

/** Every code this module can produce, with its status: documented, and checked by a unit test. */
export const ERROR_CODES: Readonly<Record<string, { status: number; retriable: boolean; meaning: string }>> = Object.freeze({
  VALIDATION_FAILED: { status: 400, retriable: false, meaning: 'body, params or headers violate the schema or domain rules' },
  INVALID_JSON: { status: 400, retriable: false, meaning: 'body is not parseable JSON' },
  INVALID_UTF8: { status: 400, retriable: false, meaning: 'body is not valid UTF-8' },
  EMPTY_BODY: { status: 400, retriable: false, meaning: 'a JSON body was required' },
  BODY_TOO_LARGE: { status: 413, retriable: false, meaning: 'body exceeds the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retriable: false, meaning: 'only application/json bodies in UTF-8 are accepted' },
  METHOD_NOT_ALLOWED: { status: 405, retriable: false, meaning: 'the path exists but not with this method; see the Allow header' },
  URI_TOO_LONG: { status: 414, retriable: false, meaning: 'a path segment is longer than the router accepts' },
  INVALID_URL: { status: 400, retriable: false, meaning: 'the path is not valid percent-encoded UTF-8' },
  ROUTE_NOT_FOUND: { status: 404, retriable: false, meaning: 'no such route' },
  USER_NOT_FOUND: { status: 404, retriable: false, meaning: 'no user with this id' },
  USER_ALREADY_EXISTS: { status: 409, retriable: false, meaning: 'register with an id that exists' },
  USER_DELETED: { status: 410, retriable: false, meaning: 'the user was deleted; no further commands' },
  VERSION_CONFLICT: { status: 409, retriable: false, meaning: 'If-Match version differs, or a concurrent writer won' },
  PRECONDITION_FAILED: {
    status: 412,
    retriable: false,
    meaning: 'If-Match cannot hold: * on a missing or deleted user, a weak tag, a tag naming no version, several versions',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, retriable: false, meaning: 'same Idempotency-Key, different request' },
  DEPENDENCY_UNAVAILABLE: { status: 503, retriable: true, meaning: 'database or broker failed transiently; retry with the same key' },
  CONFIG_INVALID: { status: 500, retriable: false, meaning: 'process configuration is invalid' },
  INTERNAL: { status: 500, retriable: false, meaning: 'unexpected failure (a bug)' },
});

export function isRetriable(err: unknown): boolean {
  return err instanceof FaultlineError && err.retriable;
}
