import { describe, expect, it } from 'vitest';
import { buildDeadLetter, DLT_HEADERS, readDeadLetterHeaders } from './dlqRecord.ts';

const src = {
  topic: 'user-events',
  partition: 2,
  offset: '12345678901',
  timestamp: '1764300000000',
  key: Buffer.from('stream-1'),
  value: Buffer.from([0xff, 0x00]),
  headers: { 'correlation-id': Buffer.from('corr-9'), 'event-type': Buffer.from('UserRenamed') },
};

describe('buildDeadLetter', () => {
  it('keeps the original key, value and headers and adds the kafka_dlt-* headers', () => {
    const dl = buildDeadLetter(src, { fqcn: 'faultline.projector.UnparseableRecordError', message: 'not JSON', attempts: 1 });
    expect(dl.key).toBe(src.key);
    expect(dl.value).toBe(src.value);
    expect(dl.headers['event-type']?.toString()).toBe('UserRenamed');
    expect(dl.headers[DLT_HEADERS.originalTopic]?.toString()).toBe('user-events');
    // Spring encodes partition as int32 and offset as int64, big-endian.
    expect(dl.headers[DLT_HEADERS.originalPartition]).toEqual(Buffer.from([0, 0, 0, 2]));
    expect(dl.headers[DLT_HEADERS.originalOffset]?.readBigInt64BE()).toBe(12345678901n);
    expect(dl.headers[DLT_HEADERS.exceptionFqcn]?.toString()).toBe('faultline.projector.UnparseableRecordError');
    expect(dl.headers[DLT_HEADERS.exceptionMessage]?.toString()).toBe('not JSON');
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
    expect(dl.headers[DLT_HEADERS.exceptionMessage]?.length).toBe(4000);
    expect(dl.headers[DLT_HEADERS.correlationId]?.toString()).toBe('given');
  });
});
