// fast-check arbitraries over whole Kafka records for the `fuzz-records` fault: keys (null, empty,
// binary, another stream's id, very long), values (a tombstone on a live stream, empty, invalid
// UTF-8, JSON edge cases, sizes near each limit) and headers (null values, repeated names, binary,
// huge, the system's own names with bad values). A drawn record is a *spec*: what needs the run's
// data (a live stream's id, an applied event to copy, the partition count) is resolved by
// `realize`, deterministically, so a seed and an index name one record. Pure.
import fc from 'fast-check';
import { HEADERS, SCHEMA_VERSION } from '../../system/shared/events.ts';
import { DLQ_MAX_MESSAGE_BYTES } from '../../system/shared/topics.ts';
import { DLT_HEADERS, TRUNCATED_LIMITS } from '../../system/projector/dlqRecord.ts';
import { MAX_STREAM_VERSION } from '../../system/projector/parseRecord.ts';
import { singleRecordBatchBytes, type RawHeaderRecord } from '../../system/testing/rawKafka/recordBatch.ts';

/**
 * The limits sizes are drawn around. The broker's is Kafka's `message.max.bytes` default (the
 * environment does not override it; it bounds a whole record batch, and each fuzzed record goes
 * in a batch of its own); the rest are the projector's: what a dead-letter copy keeps before it is
 * cut, and the width of `dead_letters.stream_id` (a key longer than it is stored as a hash).
 */
export const LIMITS = Object.freeze({
  brokerBatchBytes: 1_048_588,
  dlqTopicBytes: DLQ_MAX_MESSAGE_BYTES,
  cutValueBytes: TRUNCATED_LIMITS.valueBytes,
  cutHeaderBytes: TRUNCATED_LIMITS.headerBytes,
  streamIdColumn: 255,
});

export type KeySpec =
  | { kind: 'null' }
  | { kind: 'empty' }
  | { kind: 'binary'; bytes: Uint8Array }
  /** A real stream's id (picked among the live streams): its dead letter blocks that stream. */
  | { kind: 'live-stream'; pick: number }
  /** A stream id nobody writes (well-formed UUID). */
  | { kind: 'fresh-stream'; id: string }
  | { kind: 'long'; length: number; fill: number };

export type ValueSpec =
  | { kind: 'tombstone' }
  | { kind: 'empty' }
  | { kind: 'invalid-utf8'; bytes: Uint8Array }
  | { kind: 'json'; text: string }
  /** `fill` repeated so the record's batch is `limit` − `under` bytes (broker) or the value is `limit` + `delta` bytes. */
  | { kind: 'sized'; limit: 'broker-batch' | 'cut-value'; delta: number; fill: number };

export type HeaderSpec = [name: string, value: Uint8Array | null];

/**
 * One drawn record. `copy`: the key and value of an applied event (picked among them), carrying
 * the drawn headers instead of its own: a duplicate with bad headers, which effectively-once's
 * inbox must drop. Otherwise key and value as drawn, never a valid event.
 */
export type RecordSpec =
  | { kind: 'copy'; pick: number; headers: HeaderSpec[] }
  | { kind: 'record'; key: KeySpec; value: ValueSpec; headers: HeaderSpec[]; partition: number };

/** The system's own header names: the event's, the poison marker and the dead-letter ones. */
export const SYSTEM_HEADER_NAMES: readonly string[] = [...Object.values(HEADERS), 'poison-id', ...Object.values(DLT_HEADERS)];

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Sequences no UTF-8 decoder may accept: stray continuation, overlong, surrogate, cut short, FE/FF. */
const INVALID_UTF8 = ['80', 'c0af', 'eda080', 'e282', 'f4908080', 'fe', 'ff', '7b2261223a22c328227d'].map(hexBytes);

/**
 * JSON (or nearly) that parses to no valid event: not an object, an object missing or breaking
 * the envelope's fields at their bounds (stream version 0 and past the INT column, a schema version
 * it does not know, a stream id that is no UUID), duplicate and prototype keys, a BOM, lone
 * surrogates, deep nesting, numbers past double.
 */
const JSON_EDGES: readonly string[] = [
  'null',
  'true',
  '0',
  '-0',
  '1e999',
  '"UserRegistered"',
  '[]',
  '{}',
  '{"type":"UserRegistered"}',
  '{"type":"UserRenamed","streamVersion":0}',
  `{"type":"UserRenamed","streamVersion":${MAX_STREAM_VERSION + 1}}`,
  '{"type":"UserDeleted","schemaVersion":999,"streamVersion":1}',
  '{"type":"NoSuchType","eventId":"00000000-0000-0000-0000-000000000000"}',
  '{"type":"UserRegistered","streamId":"not-a-uuid","streamVersion":1,"payload":{"name":"x","dateRegister":"2026-01-01"}}',
  '{"type":"UserRegistered","type":"UserDeleted"}',
  '{"__proto__":{"type":"UserRegistered"},"constructor":{"prototype":{}}}',
  '\ufeff{"type":"UserDeleted"}',
  '"\\ud800"',
  '{"payload":{"name":"\\udfff"}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '{"streamVersion":1e400}',
  '{"a":1',
  '{"a":1}}',
];

const streamIdLike = fc.uuid();

export const keyArb: fc.Arbitrary<KeySpec> = fc.oneof(
  fc.constant<KeySpec>({ kind: 'null' }),
  fc.constant<KeySpec>({ kind: 'empty' }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b): KeySpec => ({ kind: 'binary', bytes: b })),
  fc.nat().map((pick): KeySpec => ({ kind: 'live-stream', pick })),
  streamIdLike.map((id): KeySpec => ({ kind: 'fresh-stream', id })),
  fc
    .record({
      length: fc.constantFrom(
        LIMITS.streamIdColumn,
        LIMITS.streamIdColumn + 1,
        LIMITS.cutHeaderBytes - 1,
        LIMITS.cutHeaderBytes,
        LIMITS.cutHeaderBytes + 1,
        64 * 1024,
      ),
      fill: fc.integer({ min: 0x21, max: 0x7e }),
    })
    .map(({ length, fill }): KeySpec => ({ kind: 'long', length, fill })),
);

/** The envelope fields one generated envelope breaks (exactly one of them). */
export const ENVELOPE_BREAKS = [
  'type',
  'eventId',
  'streamId',
  'streamVersion',
  'schemaVersion',
  'occurredAt',
  'payload',
  'correlationId',
] as const;

/**
 * A whole envelope of every type, as the relay publishes one, with exactly one field broken: so
 * the rest of what it says of itself (its version, at its lowest bound half the time, its event
 * id) is readable, and its dead letter must be filed under it. A version broken goes to a bound:
 * 0, −1, one past the column, a fraction, a string, null.
 */
export const envelopeArb: fc.Arbitrary<ValueSpec> = fc
  .record({
    type: fc.constantFrom('UserRegistered', 'UserRenamed', 'UserDeleted'),
    ids: fc.tuple(fc.uuid({ version: 4 }), fc.uuid({ version: 4 }), fc.uuid({ version: 4 }), fc.uuid({ version: 4 })),
    streamVersion: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: MAX_STREAM_VERSION })),
    broken: fc.constantFrom(...ENVELOPE_BREAKS),
    badVersion: fc.constantFrom<unknown>(0, -1, MAX_STREAM_VERSION + 1, 1.5, '1', null),
  })
  .map(({ type, ids: [eventId, streamId, correlationId, causationId], streamVersion, broken, badVersion }): ValueSpec => {
    const payload =
      type === 'UserRegistered' ? { name: 'fuzz', dateRegister: '2026-01-01' } : type === 'UserRenamed' ? { name: 'fuzz' } : {};
    const e: Record<string, unknown> = {
      eventId,
      streamId,
      streamVersion,
      type,
      schemaVersion: SCHEMA_VERSION,
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId,
      causationId,
      payload,
    };
    if (broken === 'type') e.type = 'UserMerged';
    else if (broken === 'eventId' || broken === 'streamId') e[broken] = 'not-a-uuid';
    else if (broken === 'streamVersion') e.streamVersion = badVersion;
    else if (broken === 'schemaVersion') e.schemaVersion = 999;
    else if (broken === 'occurredAt') e.occurredAt = 'yesterday';
    else if (broken === 'payload') e.payload = type === 'UserDeleted' ? 'not an object' : { ...payload, name: '' };
    else delete e.correlationId;
    return { kind: 'json', text: JSON.stringify(e) };
  });

export const valueArb: fc.Arbitrary<ValueSpec> = fc.oneof(
  fc.constant<ValueSpec>({ kind: 'tombstone' }),
  fc.constant<ValueSpec>({ kind: 'empty' }),
  fc.constantFrom(...INVALID_UTF8).map((b): ValueSpec => ({ kind: 'invalid-utf8', bytes: b })),
  fc.constantFrom(...JSON_EDGES).map((text): ValueSpec => ({ kind: 'json', text })),
  { weight: 3, arbitrary: envelopeArb },
  fc.json({ maxDepth: 3 }).map((text): ValueSpec => ({ kind: 'json', text })),
  fc
    .record({
      limit: fc.constantFrom('broker-batch' as const, 'cut-value' as const),
      delta: fc.constantFrom(-1, 0, 1),
      fill: fc.integer({ min: 0, max: 255 }),
    })
    // The broker refuses a batch past its limit (nothing would land): at or just under it only.
    .map(({ limit, delta, fill }): ValueSpec => ({
      kind: 'sized',
      limit,
      delta: limit === 'broker-batch' ? Math.min(0, delta) : delta,
      fill,
    })),
);

/** A bad value for a header the system reads or writes: null, empty, binary, garbage, cut, huge. */
const badValueArb: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  fc.constant(null),
  fc.constant(new Uint8Array(0)),
  fc.constantFrom(...INVALID_UTF8),
  fc.constantFrom(
    bytes('00-00000000000000000000000000000000-0000000000000000-00'), // all-zero traceparent ids
    bytes('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), // version ff is invalid
    bytes('not-a-traceparent'),
    bytes('{"x":[0]}'), // a null-header marker naming a header the record does not have
    bytes('{not json'),
    hexBytes('0102'), // a partition number of the wrong width
    hexBytes('ffffffffffffffff'), // offset -1
    bytes('-1'),
  ),
  fc.string({ maxLength: 40 }).map(bytes),
  fc.uint8Array({ maxLength: 32 }),
);

/** Any header value, sizes at the dead-letter copy's header cut and far past it included. */
const anyValueArb: fc.Arbitrary<Uint8Array | null> = fc.oneof(
  { weight: 4, arbitrary: badValueArb },
  {
    weight: 1,
    arbitrary: fc
      .record({
        length: fc.constantFrom(LIMITS.cutHeaderBytes - 1, LIMITS.cutHeaderBytes, LIMITS.cutHeaderBytes + 1, 70 * 1024),
        fill: fc.integer({ min: 0, max: 255 }),
      })
      .map(({ length, fill }) => new Uint8Array(length).fill(fill)),
  },
);

/** Names: the system's own, a small pool (so names repeat, in any interleaving), and any string. */
const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SYSTEM_HEADER_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom('x-rep', 'x-other', '', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 12, unit: 'binary' }) },
);

export const headersArb: fc.Arbitrary<HeaderSpec[]> = fc.array(
  fc.tuple(nameArb, anyValueArb).map((h): HeaderSpec => h),
  { maxLength: 6 },
);

/** One record: mostly garbage of every shape, one in five a copy of an applied event with bad headers. */
export const recordSpecArb: fc.Arbitrary<RecordSpec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ key: keyArb, value: valueArb, headers: headersArb, partition: fc.nat({ max: 1023 }) })
      .map((r): RecordSpec => ({ kind: 'record', ...r })),
  },
  { weight: 1, arbitrary: fc.record({ pick: fc.nat(), headers: headersArb }).map((r): RecordSpec => ({ kind: 'copy', ...r })) },
);

/** The run's data a spec is resolved against. */
export interface RealizeContext {
  partitions: number;
  /** Live streams (id and the partition their records are on), in a fixed order. */
  liveStreams: readonly { streamId: string; partition: number }[];
  /** Applied events as the relay publishes them (key, value, where), in a fixed order. */
  applied: readonly { key: Buffer; value: Buffer; partition: number; eventId: string; streamId: string; streamVersion: number }[];
}

export interface RealizedRecord extends RawHeaderRecord {
  partition: number;
  /** What was drawn, in a few words (for logs and the failure report). */
  shape: string;
  /** A copy of an applied event: which one. */
  copyOf?: { eventId: string; streamId: string; streamVersion: number };
  /** The key is a live stream's id: its dead letter holds that stream back until it is resolved. */
  blocksLiveStream?: string;
}

const buf = (u: Uint8Array) => Buffer.from(u);
/** Names as they go on the wire (UTF-8: a lone surrogate becomes U+FFFD), so the history holds what was sent. */
const wireName = (n: string) => Buffer.from(n, 'utf8').toString('utf8');
const headersOf = (hs: HeaderSpec[]): Array<[string, Buffer | null]> => hs.map(([n, v]) => [wireName(n), v === null ? null : buf(v)]);

function keyOf(k: KeySpec, ctx: RealizeContext): { key: Buffer | null; live?: { streamId: string; partition: number } } | undefined {
  switch (k.kind) {
    case 'null':
      return { key: null };
    case 'empty':
      return { key: Buffer.alloc(0) };
    case 'binary':
      return { key: buf(k.bytes) };
    case 'fresh-stream':
      return { key: Buffer.from(k.id, 'utf8') };
    case 'long':
      return { key: Buffer.alloc(k.length, k.fill) };
    case 'live-stream': {
      if (ctx.liveStreams.length === 0) return undefined;
      const live = ctx.liveStreams[k.pick % ctx.liveStreams.length]!;
      return { key: Buffer.from(live.streamId, 'utf8'), live };
    }
  }
}

/** The value; `sized` values need the rest of the record to size a whole batch. */
function valueOf(v: ValueSpec, rest: Omit<RawHeaderRecord, 'value'>): Buffer | null {
  switch (v.kind) {
    case 'tombstone':
      return null;
    case 'empty':
      return Buffer.alloc(0);
    case 'invalid-utf8':
      return buf(v.bytes);
    case 'json':
      return Buffer.from(v.text, 'utf8');
    case 'sized': {
      if (v.limit === 'cut-value') return Buffer.alloc(LIMITS.cutValueBytes + v.delta, v.fill);
      const target = LIMITS.brokerBatchBytes + v.delta;
      const size = (n: number) => singleRecordBatchBytes({ ...rest, value: Buffer.alloc(n) });
      let n = Math.max(0, target - size(0));
      while (n > 0 && size(n) > target) n--;
      while (size(n + 1) <= target) n++;
      return Buffer.alloc(n, v.fill);
    }
  }
}

/**
 * A live stream's id with a value the projector could read a version from would leave a dead
 * letter at that version; a value that names none holds back the whole stream, which is what the
 * fault then resolves. Only values without a readable envelope go on live keys.
 */
const readableEnvelope = (v: ValueSpec) => v.kind === 'json' && /"streamVersion"|"eventId"|"correlationId"/.test(v.text);

/** Resolves a spec against the run's data; undefined when the run has nothing for it (no live stream yet). */
export function realize(spec: RecordSpec, ctx: RealizeContext): RealizedRecord | undefined {
  const headers = headersOf(spec.headers);
  const names = headers.map(([n]) => JSON.stringify(n)).join(',');
  if (spec.kind === 'copy') {
    if (ctx.applied.length === 0) return undefined;
    const a = ctx.applied[spec.pick % ctx.applied.length]!;
    return {
      key: a.key,
      value: a.value,
      headers,
      partition: a.partition,
      shape: `copy of ${a.streamId} v${a.streamVersion} with headers [${names}]`,
      copyOf: { eventId: a.eventId, streamId: a.streamId, streamVersion: a.streamVersion },
    };
  }
  const k = keyOf(spec.key, ctx);
  if (!k) return undefined;
  const valueSpec = k.live && readableEnvelope(spec.value) ? ({ kind: 'tombstone' } as const) : spec.value;
  const value = valueOf(valueSpec, { key: k.key, headers });
  const partition = k.live ? k.live.partition : spec.partition % Math.max(1, ctx.partitions);
  return {
    key: k.key,
    value,
    headers,
    partition,
    shape: `key ${spec.key.kind}${k.key ? ` (${k.key.length} B)` : ''}, value ${valueSpec.kind}${value ? ` (${value.length} B)` : ''}, headers [${names}]`,
    ...(k.live ? { blocksLiveStream: k.live.streamId } : {}),
  };
}
