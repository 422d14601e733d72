// Turns a raw Kafka record into a validated event envelope, or says why it never can.
// Pure: no I/O, so every poison shape is unit-tested.
import { EVENT_TYPES, SCHEMA_VERSION, type EventEnvelope, type EventType } from '../shared/events.ts';
import {
  SchemaViolationError,
  UnknownEventTypeError,
  UnparseableRecordError,
  type PoisonRecordError,
} from './poison.ts';

export const MAX_NAME_LENGTH = 255;
export const MAX_STREAM_ID_LENGTH = 64;

/** What could still be read from a record that failed validation (for the dead letter). */
export interface PoisonHints {
  correlationId?: string;
  eventId?: string;
  streamVersion?: number;
}

export type ParseResult =
  | { ok: true; event: EventEnvelope }
  | { ok: false; error: PoisonRecordError; hints: PoisonHints };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}/;

export function parseRecord(key: Buffer | null, value: Buffer | null): ParseResult {
  if (value === null || value.length === 0) {
    return fail(new UnparseableRecordError('empty record value'));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(value);
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
  const str = (field: string, max = 255): string => {
    const v = raw[field];
    if (typeof v !== 'string' || v.length === 0 || v.length > max) {
      problems.push(`${field} must be a non-empty string of at most ${max} characters`);
      return '';
    }
    return v;
  };
  const eventId = str('eventId', 36);
  if (eventId && !UUID.test(eventId)) problems.push('eventId must be a UUID');
  const streamId = str('streamId', MAX_STREAM_ID_LENGTH);
  const streamVersion = raw.streamVersion;
  if (!Number.isSafeInteger(streamVersion) || (streamVersion as number) < 1) {
    problems.push('streamVersion must be a positive integer');
  }
  if (raw.schemaVersion !== SCHEMA_VERSION) {
    problems.push(`schemaVersion ${JSON.stringify(raw.schemaVersion)} is not supported (expected ${SCHEMA_VERSION})`);
  }
  const occurredAt = str('occurredAt', 64);
  if (occurredAt && Number.isNaN(Date.parse(occurredAt))) problems.push('occurredAt must be an ISO-8601 time');
  const correlationId = str('correlationId');
  const causationId = str('causationId');
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
  const out: string[] = [];
  const name = (): void => {
    const n = payload.name;
    if (typeof n !== 'string' || n.trim().length === 0 || n.length > MAX_NAME_LENGTH) {
      out.push(`payload.name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
    }
  };
  switch (type) {
    case 'UserRegistered': {
      name();
      const d = payload.dateRegister;
      if (typeof d !== 'string' || !DATE.test(d) || Number.isNaN(Date.parse(d))) {
        out.push('payload.dateRegister must be a date (YYYY-MM-DD)');
      }
      break;
    }
    case 'UserRenamed':
      name();
      break;
    case 'UserDeleted':
      break;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(error: PoisonRecordError, hints: PoisonHints = {}): ParseResult {
  return { ok: false, error, hints };
}

function hintsOf(raw: Record<string, unknown>): PoisonHints {
  const h: PoisonHints = {};
  if (typeof raw.correlationId === 'string' && raw.correlationId.length <= 255) h.correlationId = raw.correlationId;
  if (typeof raw.eventId === 'string' && raw.eventId.length <= 64) h.eventId = raw.eventId;
  if (Number.isSafeInteger(raw.streamVersion) && (raw.streamVersion as number) >= 1) h.streamVersion = raw.streamVersion as number;
  return h;
}
