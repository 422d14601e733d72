// Errors that mean "this record can never apply": they go to the DLQ at once, no retry.
// `fqcn` is what lands in the Spring-compatible `kafka_dlt-exception-fqcn` header.

export abstract class PoisonRecordError extends Error {
  abstract readonly fqcn: string;
  readonly retriable = false;
}

export class UnparseableRecordError extends PoisonRecordError {
  readonly fqcn = 'faultline.projector.UnparseableRecordError';
  override readonly name = 'UnparseableRecordError';
}

export class UnknownEventTypeError extends PoisonRecordError {
  readonly fqcn = 'faultline.projector.UnknownEventTypeError';
  override readonly name = 'UnknownEventTypeError';
  constructor(readonly eventType: unknown) {
    super(`unknown event type ${JSON.stringify(eventType)}`);
  }
}

export class SchemaViolationError extends PoisonRecordError {
  readonly fqcn = 'faultline.projector.SchemaViolationError';
  override readonly name = 'SchemaViolationError';
}

/** Another event was applied under this event's id or version: never applied, never dropped silently. */
export class ConflictingEventError extends PoisonRecordError {
  readonly fqcn = 'faultline.projector.ConflictingEventError';
  override readonly name = 'ConflictingEventError';
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** The class name a DLQ header reports for any error. */
export function fqcnOf(err: unknown): string {
  if (err instanceof PoisonRecordError) return err.fqcn;
  if (err instanceof Error) return `faultline.${err.name || 'Error'}`;
  return 'faultline.projector.UnknownError';
}
