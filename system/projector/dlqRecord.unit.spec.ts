import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { RecordHeaders } from '../shared/kafka.ts';
import {
  buildDeadLetter,
  dlqKafkaHeaders,
  DLT_HEADERS,
  readDeadLetterHeaders,
  restoreNullHeaders,
  truncateDeadLetter,
} from './dlqRecord.ts';

const src = {
  topic: 'user-events',
  partition: 2,
  offset: '12345678901',
  timestamp: '1764300000000',
  key: Buffer.from('stream-1'),
  value: Buffer.from([0xff, 0x00]),
  headers: { 'correlation-id': [Buffer.from('corr-9')], 'event-type': [Buffer.from('UserRenamed')] } as RecordHeaders,
};

describe('buildDeadLetter', () => {
  it('keeps the original key, value and headers and adds the kafka_dlt-* headers', () => {
    const dl = buildDeadLetter(src, { fqcn: 'faultline.projector.UnparseableRecordError', message: 'not JSON', attempts: 1 });
    expect(dl.key).toBe(src.key);
    expect(dl.value).toBe(src.value);
    expect(dl.headers['event-type']?.[0]?.toString()).toBe('UserRenamed');
    expect(dl.headers[DLT_HEADERS.originalTopic]?.[0]?.toString()).toBe('user-events');
    // Spring encodes partition as int32 and offset as int64, big-endian.
    expect(dl.headers[DLT_HEADERS.originalPartition]?.[0]).toEqual(Buffer.from([0, 0, 0, 2]));
    expect(dl.headers[DLT_HEADERS.originalOffset]?.[0]?.readBigInt64BE()).toBe(12345678901n);
    expect(dl.headers[DLT_HEADERS.exceptionFqcn]?.[0]?.toString()).toBe('faultline.projector.UnparseableRecordError');
    expect(dl.headers[DLT_HEADERS.exceptionMessage]?.[0]?.toString()).toBe('not JSON');
  });

  it('round-trips through readDeadLetterHeaders, taking the correlation id from the original headers', () => {
    const dl = buildDeadLetter(src, { fqcn: 'X', message: 'boom', attempts: 5 });
    expect(readDeadLetterHeaders(dl.headers)).toEqual({
      originalTopic: 'user-events',
      originalPartition: 2,
      originalOffset: '12345678901',
      exceptionFqcn: 'X',
      exceptionMessage: 'boom',
      attempts: 5,
      correlationId: 'corr-9',
    });
  });

  it('does not modify the source headers and caps a huge message', () => {
    const dl = buildDeadLetter(src, { fqcn: 'X', message: 'm'.repeat(10_000), attempts: 1, correlationId: 'given' });
    expect(Object.keys(src.headers)).toHaveLength(2);
    const header = dl.headers[DLT_HEADERS.exceptionMessage]?.[0]?.toString();
    expect(header?.startsWith('m'.repeat(4000))).toBe(true);
    expect(header).toContain('[6000 more characters;');
    // Cut at whole code points: an emoji is never split into an invalid half.
    const emoji = buildDeadLetter(src, { fqcn: 'X', message: '😀'.repeat(5_000), attempts: 1 }).headers[DLT_HEADERS.exceptionMessage]![0]!;
    expect(emoji.toString('utf8').startsWith('😀'.repeat(4000))).toBe(true);
    expect(emoji.toString('utf8')).not.toContain('\uFFFD');
    expect(dl.headers[DLT_HEADERS.correlationId]?.[0]?.toString()).toBe('given');
  });
});

describe('truncateDeadLetter', () => {
  it('cuts a 1 MB value and a 3 KB header to a small copy that says what was cut and where the rest is', () => {
    const value = Buffer.alloc(1_045_000, 0x61);
    const big = buildDeadLetter(
      { ...src, value, headers: { 'correlation-id': [Buffer.alloc(3_000, 0x63)] } },
      { fqcn: 'faultline.projector.UnparseableRecordError', message: 'not JSON', attempts: 1 },
    );
    const t = truncateDeadLetter(big);
    expect(t.value?.length).toBe(64 * 1024);
    expect(t.headers['correlation-id']?.[0]?.length).toBe(1024);
    const note = t.headers[DLT_HEADERS.truncated]?.[0]?.toString();
    expect(note).toContain('value 1045000 bytes');
    expect(note).toContain('header correlation-id 3000 bytes');
    expect(note).toContain('dead_letters');
    expect(t.headers[DLT_HEADERS.valueLength]?.[0]?.toString()).toBe('1045000');
    expect(t.headers[DLT_HEADERS.valueSha256]?.[0]?.toString()).toBe(createHash('sha256').update(value).digest('hex'));
    expect(readDeadLetterHeaders(t.headers)).toMatchObject({
      originalTopic: 'user-events',
      originalPartition: 2,
      originalOffset: '12345678901',
    });
    const size =
      (t.value?.length ?? 0) +
      Object.entries(t.headers).reduce((n, [k, v]) => n + k.length + v.reduce((m, x) => m + (x?.length ?? 0), 0), 0);
    expect(size).toBeLessThan(80 * 1024);
  });
});

describe('dead-letter headers with null, repeated and binary values', () => {
  const odd = {
    ...src,
    headers: {
      'x-null': [null],
      'x-rep': [Buffer.from('1'), null, Buffer.from([0xc3, 0x28])],
      traceparent: [null],
      'correlation-id': [null],
    } as RecordHeaders,
  };

  it('builds the dead letter without touching a null value, and takes no correlation id from it', () => {
    const dl = buildDeadLetter(odd, { fqcn: 'X', message: 'm', attempts: 1 });
    expect(dl.headers['x-null']).toEqual([null]);
    expect(dl.headers[DLT_HEADERS.correlationId]).toBeUndefined();
    expect(readDeadLetterHeaders(dl.headers).correlationId).toBeNull();
  });

  it('sends null values as empty ones listed in faultline-dlt-null-headers, and restores them exactly', () => {
    const dl = buildDeadLetter(odd, { fqcn: 'X', message: 'm', attempts: 1 });
    const sent = dlqKafkaHeaders(dl.headers);
    // Nothing kafkajs' encoder cannot write: no null anywhere.
    for (const v of Object.values(sent)) for (const x of [v].flat()) expect(Buffer.isBuffer(x)).toBe(true);
    expect(JSON.parse(String(sent[DLT_HEADERS.nullHeaders]))).toEqual({
      'x-null': [0],
      'x-rep': [1],
      traceparent: [0],
      'correlation-id': [0],
    });
    expect(restoreNullHeaders(sent)).toEqual(dl.headers);
    // A cut copy keeps the null values as well.
    expect(restoreNullHeaders(dlqKafkaHeaders(truncateDeadLetter(dl).headers))['x-rep']).toEqual(odd.headers['x-rep']);
  });

  it("lists null values of headers named like an object's members (valueOf, __proto__, constructor)", () => {
    const headers: RecordHeaders = Object.fromEntries([
      ['valueOf', [null]],
      ['__proto__', [Buffer.from('p'), null]],
      ['constructor', [null, null]],
    ]);
    const dl = buildDeadLetter({ ...src, headers }, { fqcn: 'X', message: 'm', attempts: 1 });
    const sent = dlqKafkaHeaders(dl.headers);
    expect(JSON.parse(String(sent[DLT_HEADERS.nullHeaders]))).toEqual(
      Object.fromEntries([
        ['valueOf', [0]],
        ['__proto__', [1]],
        ['constructor', [0, 1]],
      ]),
    );
    expect(restoreNullHeaders(sent)).toEqual(dl.headers);
  });
});
