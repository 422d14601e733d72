import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isRecordTooLarge, isRetriableKafkaError } from './kafka.ts';

const protocol = (type: string, retriable: boolean) => Object.assign(new KafkaJSProtocolError('broker says no'), { type, retriable });

describe('isRetriableKafkaError', () => {
  it('never retries a record the broker finds too large, however kafkajs wraps the answer', () => {
    const tooLarge = protocol('MESSAGE_TOO_LARGE', false);
    expect(isRecordTooLarge(tooLarge)).toBe(true);
    expect(isRetriableKafkaError(tooLarge)).toBe(false);
    // As kafkajs' retry wraps a final answer: the broker's error as the cause.
    expect(isRetriableKafkaError(Object.assign(new KafkaJSNonRetriableError(tooLarge), { cause: tooLarge }))).toBe(false);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 3, retryTime: 100 }))).toBe(false);
  });

  it('does not retry other final answers (not authorized)', () => {
    expect(isRetriableKafkaError(protocol('TOPIC_AUTHORIZATION_FAILED', false))).toBe(false);
  });

  it('retries a broker that is away', () => {
    const conn = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(isRetriableKafkaError(conn)).toBe(true);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(conn, { retryCount: 3, retryTime: 100 }))).toBe(true);
    expect(isRetriableKafkaError(protocol('NOT_LEADER_OR_FOLLOWER', true))).toBe(true);
    expect(isRecordTooLarge(conn)).toBe(false);
  });
});
