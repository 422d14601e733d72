// Turns a raw Kafka record into a validated event envelope, or says why it never can.
// Pure: no I/O, so every poison shape is unit-tested.
import { EVENT_TYPES, SCHEMA_VERSION, type EventEnvelope, type EventType } from '../shared/events.ts';
import { codePointLength, dateProblem, nameProblem } from '../shared/fields.ts';
import { SchemaViolationError, UnknownEventTypeError, UnparseableRecordError, type PoisonRecordError } from './poison.ts';

/** The read model's columns are INT: a larger version could never be stored, so it is refused here. */
export const MAX_STREAM_VERSION = 2_147_483_647;

/** What could still be read from a record that failed validation (for the dead letter). */
export interface PoisonHints {
  correlationId?: string;
  eventId?: string;
  streamVersion?: number;
}

export type ParseResult = { ok: true; event: EventEnvelope } | { ok: false; error: PoisonRecordError; hints: PoisonHints };

// Not streaming: each decode() stands alone, so one decoder serves every record.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRecord(key: Buffer | null, value: Buffer | null): ParseResult {
  if (value === null || value.length === 0) {
    return fail(new UnparseableRecordError('empty record value'));
  }
  let text: string;
  try {
    text = UTF8.decode(value);
  } catch {
    return fail(new UnparseableRecordError('record value is not valid UTF-8'));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(new UnparseableRecordError(`record value is not JSON: ${(e as Error).message}`));
  }
  if (!isObject(raw)) return fail(new SchemaViolationError('envelope is not a JSON object'));
  const hints = hintsOf(raw);

  if (!(EVENT_TYPES as readonly unknown[]).includes(raw.type)) {
    return fail(new UnknownEventTypeError(raw.type), hints);
  }
  const type = raw.type as EventType;
  const problems: string[] = [];
  const eventId = stringField(raw, 'eventId', 36, problems);
  if (eventId && !UUID.test(eventId)) problems.push('eventId must be a UUID');
  const streamId = stringField(raw, 'streamId', 36, problems);
  // Stream ids are user ids, which the command service always makes UUIDs: anything else is forged.
  if (streamId && !UUID.test(streamId)) problems.push('streamId must be a UUID');
  const streamVersion = raw.streamVersion;
  if (!Number.isSafeInteger(streamVersion) || (streamVersion as number) < 1 || (streamVersion as number) > MAX_STREAM_VERSION) {
    problems.push(`streamVersion must be an integer in 1..${MAX_STREAM_VERSION}`);
  }
  if (raw.schemaVersion !== SCHEMA_VERSION) {
    problems.push(`schemaVersion ${JSON.stringify(raw.schemaVersion)} is not supported (expected ${SCHEMA_VERSION})`);
  }
  const occurredAt = stringField(raw, 'occurredAt', 64, problems);
  if (occurredAt && Number.isNaN(Date.parse(occurredAt))) problems.push('occurredAt must be an ISO-8601 time');
  const correlationId = stringField(raw, 'correlationId', 255, problems);
  const causationId = stringField(raw, 'causationId', 255, problems);
  if (raw.traceparent !== undefined && typeof raw.traceparent !== 'string') {
    problems.push('traceparent must be a string');
  }
  problems.push(...payloadProblems(type, raw.payload));
  if (key !== null && streamId && key.toString('utf8') !== streamId) {
    problems.push('record key does not match streamId');
  }
  if (problems.length > 0) return fail(new SchemaViolationError(`${type}: ${problems.join('; ')}`), hints);

  const event: EventEnvelope = {
    eventId,
    streamId,
    streamVersion: streamVersion as number,
    type,
    schemaVersion: SCHEMA_VERSION,
    occurredAt,
    correlationId,
    causationId,
    payload: raw.payload as EventEnvelope['payload'],
  };
  if (typeof raw.traceparent === 'string') event.traceparent = raw.traceparent;
  return { ok: true, event };
}

function payloadProblems(type: EventType, payload: unknown): string[] {
  if (!isObject(payload)) return ['payload must be an object'];
  // The same rules as the command API (system/shared/fields.ts): what it accepts applies here.
  const found =
    type === 'UserRegistered'
      ? [nameProblem(payload.name), dateProblem(payload.dateRegister)]
      : type === 'UserRenamed'
        ? [nameProblem(payload.name)]
        : [];
  return found.filter((p): p is string => p !== undefined).map((p) => `payload.${p}`);
}

/** Lengths in code points, as the command API and the utf8mb4 columns count them. */
function stringField(raw: Record<string, unknown>, field: string, max: number, problems: string[]): string {
  const v = raw[field];
  if (typeof v !== 'string' || v.length === 0 || codePointLength(v) > max) {
    problems.push(`${field} must be a non-empty string of at most ${max} characters (code points)`);
    return '';
  }
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(error: PoisonRecordError, hints: PoisonHints = {}): ParseResult {
  return { ok: false, error, hints };
}

function hintsOf(raw: Record<string, unknown>): PoisonHints {
  const h: PoisonHints = {};
  // Hints are stored as they are or not at all (the dead-letter store fits long text explicitly).
  if (typeof raw.correlationId === 'string') h.correlationId = raw.correlationId;
  if (typeof raw.eventId === 'string') h.eventId = raw.eventId;
  if (Number.isSafeInteger(raw.streamVersion) && (raw.streamVersion as number) >= 1) h.streamVersion = raw.streamVersion as number;
  return h;
}
