import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { envReader } from './config.ts';
import { ConfigError } from './errors.ts';
import { isRecordTooLarge, isRetriableKafkaError, kafkaSaslConfig } from './kafka.ts';

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

describe('kafkaSaslConfig (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM)', () => {
  const read = (source: Record<string, string>) => kafkaSaslConfig(envReader(source));

  it('is absent when neither is set, and SCRAM-SHA-512 by default', () => {
    expect(read({})).toBeUndefined();
    expect(read({ KAFKA_USERNAME: 'relay', KAFKA_PASSWORD: 's3cret-s3cret' })).toEqual({
      mechanism: 'scram-sha-512',
      username: 'relay',
      password: 's3cret-s3cret',
    });
  });

  it('refuses one without the other, and an unknown mechanism, without showing the password', () => {
    expect(() => read({ KAFKA_USERNAME: 'relay' })).toThrow(ConfigError);
    expect(() => read({ KAFKA_PASSWORD: 'hidden-value' })).toThrow(/KAFKA_USERNAME/);
    try {
      read({ KAFKA_PASSWORD: 'hidden-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hidden-value');
    }
    expect(() => read({ KAFKA_USERNAME: 'relay', KAFKA_PASSWORD: 'x', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});
