// The dead-letter record: the original key, value and headers, plus Spring-Kafka-compatible
// `kafka_dlt-*` headers so existing DLT tooling can read it. Pure. As in Spring's
// DeadLetterPublishingRecoverer, partition is a 4-byte and offset/timestamp 8-byte big-endian
// integers, the rest UTF-8; `readDeadLetterHeaders` decodes them for our own readers.
import { createHash } from 'node:crypto';
import { HEADERS } from '../shared/events.ts';
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
} as const;

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

/** Spring truncates nothing, but a huge message would bloat every header read: cap it. */
const MAX_MESSAGE = 4000;

export function buildDeadLetter(
  src: SourceRecord,
  failure: { fqcn: string; message: string; attempts: number; correlationId?: string | null },
): DeadLetter {
  const headers: Record<string, Buffer> = { ...src.headers };
  const set = (name: string, v: string): void => {
    headers[name] = Buffer.from(v, 'utf8');
  };
  set(DLT_HEADERS.originalTopic, src.topic);
  headers[DLT_HEADERS.originalPartition] = int32(src.partition);
  headers[DLT_HEADERS.originalOffset] = int64(src.offset);
  if (src.timestamp !== undefined) headers[DLT_HEADERS.originalTimestamp] = int64(src.timestamp);
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
  const headers: Record<string, Buffer> = {};
  const cut: string[] = [];
  for (const [name, v] of Object.entries(dl.headers)) {
    if (v.length > limits.headerBytes) cut.push(`header ${name} ${v.length} bytes`);
    headers[name] = v.length > limits.headerBytes ? v.subarray(0, limits.headerBytes) : v;
  }
  const value = dl.value;
  if (value !== null && value.length > limits.valueBytes) cut.push(`value ${value.length} bytes`);
  headers[DLT_HEADERS.truncated] = Buffer.from(`${cut.join(', ') || 'nothing cut'}; the full record is in the dead_letters table`, 'utf8');
  if (value !== null) {
    headers[DLT_HEADERS.valueLength] = Buffer.from(String(value.length), 'utf8');
    headers[DLT_HEADERS.valueSha256] = Buffer.from(createHash('sha256').update(value).digest('hex'), 'utf8');
  }
  const key = dl.key !== null && dl.key.length > limits.headerBytes ? dl.key.subarray(0, limits.headerBytes) : dl.key;
  return { key, value: value !== null && value.length > limits.valueBytes ? value.subarray(0, limits.valueBytes) : value, headers };
}

export function headerText(headers: Record<string, Buffer>, name: string): string | null {
  const v = headers[name];
  return v === undefined ? null : v.toString('utf8');
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
export function readDeadLetterHeaders(headers: Record<string, Buffer | undefined>): DeadLetterInfo {
  const text = (n: string): string | null => headers[n]?.toString('utf8') ?? null;
  const p = headers[DLT_HEADERS.originalPartition];
  const o = headers[DLT_HEADERS.originalOffset];
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
