// The dead-letter record: the original key, value and headers, plus Spring-Kafka-compatible
// `kafka_dlt-*` headers so existing DLT tooling can read it. Pure. As in Spring's
// DeadLetterPublishingRecoverer, partition is a 4-byte and offset/timestamp 8-byte big-endian
// integers, the rest UTF-8; `readDeadLetterHeaders` decodes them for our own readers.
// Every original header is copied, repeats in order and binary values as they are. A null header
// value (allowed by Kafka, not producible by kafkajs) is sent as an empty value, and the
// `faultline-dlt-null-headers` header lists which ones were null (JSON: name → indexes among that
// name's values); `restoreNullHeaders` gives the original headers back. The `dead_letters` row
// keeps them as they came (headersToStored).
import { createHash } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import { HEADERS } from '../shared/events.ts';
import { decodeHeaders, headerText, type RecordHeaders } from '../shared/kafka.ts';
import { capText } from './fitColumn.ts';

export const DLT_HEADERS = {
  originalTopic: 'kafka_dlt-original-topic',
  originalPartition: 'kafka_dlt-original-partition',
  originalOffset: 'kafka_dlt-original-offset',
  originalTimestamp: 'kafka_dlt-original-timestamp',
  exceptionFqcn: 'kafka_dlt-exception-fqcn',
  exceptionMessage: 'kafka_dlt-exception-message',
  attempts: 'faultline-dlt-attempts',
  correlationId: 'faultline-dlt-correlation-id',
  /** Present on a copy cut to fit the topic: what was cut, and where the full record is. */
  truncated: 'faultline-dlt-truncated',
  valueLength: 'faultline-dlt-value-length',
  valueSha256: 'faultline-dlt-value-sha256',
  /** Which header values of the original were null: JSON `{"name": [index, …]}`, sent as empty values. */
  nullHeaders: 'faultline-dlt-null-headers',
} as const;

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
}

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
}

/** Spring truncates nothing, but a huge message would bloat every header read: cap it. */
const MAX_MESSAGE = 4000;

export function buildDeadLetter(
  src: SourceRecord,
  failure: { fqcn: string; message: string; attempts: number; correlationId?: string | null },
): DeadLetter {
  const headers: RecordHeaders = { ...src.headers };
  const put = (name: string, v: Buffer): void => {
    Object.defineProperty(headers, name, { value: [v], enumerable: true, writable: true, configurable: true });
  };
  const set = (name: string, v: string): void => put(name, Buffer.from(v, 'utf8'));
  set(DLT_HEADERS.originalTopic, src.topic);
  put(DLT_HEADERS.originalPartition, int32(src.partition));
  put(DLT_HEADERS.originalOffset, int64(src.offset));
  if (src.timestamp !== undefined) put(DLT_HEADERS.originalTimestamp, int64(src.timestamp));
  set(DLT_HEADERS.exceptionFqcn, failure.fqcn);
  set(DLT_HEADERS.exceptionMessage, capText(failure.message, MAX_MESSAGE)); // whole code points, says what was cut
  set(DLT_HEADERS.attempts, String(failure.attempts));
  const corr = failure.correlationId ?? headerText(src.headers, HEADERS.correlationId);
  if (corr) set(DLT_HEADERS.correlationId, corr);
  return { key: src.key, value: src.value, headers };
}

/** What a truncated copy keeps: enough to recognise the record, far below any topic limit. */
export const TRUNCATED_LIMITS = Object.freeze({ valueBytes: 64 * 1024, headerBytes: 1024 });

/**
 * A copy of a dead letter that fits the dead-letter topic whatever the original's size: the value
 * and every header value longer than the limits cut to them, the `kafka_dlt-*` headers kept, and
 * headers saying it was cut, the original value's length and SHA-256, and that the full bytes are
 * in the `dead_letters` table.
 */
export function truncateDeadLetter(dl: DeadLetter, limits = TRUNCATED_LIMITS): DeadLetter {
  const headers: RecordHeaders = {};
  const put = (name: string, v: Buffer | null): void => {
    Object.defineProperty(headers, name, { value: [v], enumerable: true, writable: true, configurable: true });
  };
  const cut: string[] = [];
  for (const [name, values] of Object.entries(dl.headers)) {
    const kept = values.map((v, i) => {
      if (v === null || v.length <= limits.headerBytes) return v;
      cut.push(`header ${name}${values.length > 1 ? `[${i}]` : ''} ${v.length} bytes`);
      return v.subarray(0, limits.headerBytes);
    });
    Object.defineProperty(headers, name, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  const value = dl.value;
  if (value !== null && value.length > limits.valueBytes) cut.push(`value ${value.length} bytes`);
  put(DLT_HEADERS.truncated, Buffer.from(`${cut.join(', ') || 'nothing cut'}; the full record is in the dead_letters table`, 'utf8'));
  if (value !== null) {
    put(DLT_HEADERS.valueLength, Buffer.from(String(value.length), 'utf8'));
    put(DLT_HEADERS.valueSha256, Buffer.from(createHash('sha256').update(value).digest('hex'), 'utf8'));
  }
  const key = dl.key !== null && dl.key.length > limits.headerBytes ? dl.key.subarray(0, limits.headerBytes) : dl.key;
  return { key, value: value !== null && value.length > limits.valueBytes ? value.subarray(0, limits.valueBytes) : value, headers };
}

export { headerText };

/**
 * The dead letter's headers as kafkajs can send them: every value, repeats in order; a null value
 * (which kafkajs' encoder cannot write) as an empty value, listed in `faultline-dlt-null-headers`.
 */
export function dlqKafkaHeaders(headers: RecordHeaders): IHeaders {
  const out: IHeaders = {};
  // A Map: a header named like an object's member (`valueOf`, `__proto__`) is just a name here.
  const nulls = new Map<string, number[]>();
  for (const [name, values] of Object.entries(headers)) {
    if (name === DLT_HEADERS.nullHeaders) continue; // ours to write; an original of that name is replaced
    values.forEach((v, i) => {
      if (v === null) nulls.set(name, [...(nulls.get(name) ?? []), i]);
    });
    const sent = values.map((v) => v ?? Buffer.alloc(0));
    Object.defineProperty(out, name, { value: sent.length === 1 ? sent[0] : sent, enumerable: true, writable: true, configurable: true });
  }
  if (nulls.size > 0) out[DLT_HEADERS.nullHeaders] = Buffer.from(JSON.stringify(Object.fromEntries(nulls)), 'utf8');
  return out;
}

/** A dead-letter record's headers (as kafkajs read them) with the original null values back in place. */
export function restoreNullHeaders(headers: IHeaders | undefined): RecordHeaders {
  const decoded = decodeHeaders(headers);
  const marker = headerText(decoded, DLT_HEADERS.nullHeaders);
  if (marker === null) return decoded;
  delete decoded[DLT_HEADERS.nullHeaders];
  const nulls = JSON.parse(marker) as Record<string, number[]>;
  for (const [name, indexes] of Object.entries(nulls)) {
    const values = Object.prototype.hasOwnProperty.call(decoded, name) ? decoded[name]! : undefined;
    if (values) for (const i of indexes) if (i < values.length) values[i] = null;
  }
  return decoded;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int64(n: string): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

export interface DeadLetterInfo {
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  exceptionFqcn: string | null;
  exceptionMessage: string | null;
  attempts: number | null;
  correlationId: string | null;
}

/** Reads the `kafka_dlt-*` headers of a dead-letter record (binary numbers included). */
export function readDeadLetterHeaders(headers: RecordHeaders): DeadLetterInfo {
  const first = (n: string): Buffer | null => (Object.prototype.hasOwnProperty.call(headers, n) ? (headers[n]![0] ?? null) : null);
  const text = (n: string): string | null => first(n)?.toString('utf8') ?? null;
  const p = first(DLT_HEADERS.originalPartition);
  const o = first(DLT_HEADERS.originalOffset);
  const a = text(DLT_HEADERS.attempts);
  return {
    originalTopic: text(DLT_HEADERS.originalTopic),
    originalPartition: p?.length === 4 ? p.readInt32BE() : null,
    originalOffset: o?.length === 8 ? o.readBigInt64BE().toString() : null,
    exceptionFqcn: text(DLT_HEADERS.exceptionFqcn),
    exceptionMessage: text(DLT_HEADERS.exceptionMessage),
    attempts: a === null ? null : Number(a),
    correlationId: text(DLT_HEADERS.correlationId),
  };
}
