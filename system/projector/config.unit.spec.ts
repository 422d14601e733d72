import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { ConfigError } from '../shared/errors.ts';
import { projectorConfig } from './config.ts';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', QUERIES_DB_URL: 'mysql://projector:not-a-real-password@127.0.0.1:3306/queries' };
const load = (extra: Record<string, string>) => loadConfig(projectorConfig, { source: { ...base, ...extra }, exit: false });

describe('projectorConfig', () => {
  it('has documented defaults', () => {
    expect(load({})).toMatchObject({
      mode: 'effectively-once',
      groupId: 'projector',
      topic: 'user-events',
      dlqTopic: 'user-events.dlq',
      maxAttempts: 10,
    });
  });
  it('reads 0 attempts as "never give up"', () => {
    expect(load({ PROJECTOR_MAX_ATTEMPTS: '0' }).maxAttempts).toBe(Number.MAX_SAFE_INTEGER);
  });
  it.each([
    [{ CONSUME_MODE: 'exactly-once' }, /CONSUME_MODE/],
    [{ KAFKA_BROKERS: 'localhost:9092' }, /KAFKA_BROKERS/],
    [{ PROJECTOR_BACKOFF_BASE_MS: '500', PROJECTOR_BACKOFF_MAX_MS: '100' }, /PROJECTOR_BACKOFF_MAX_MS/],
    [{ QUERIES_DB_URL: 'postgres://x@127.0.0.1/q' }, /QUERIES_DB_URL/],
  ])('refuses %j with one line naming the variable', (extra, name) => {
    expect(() => load(extra as Record<string, string>)).toThrow(ConfigError);
    expect(() => load(extra as Record<string, string>)).toThrow(name);
  });
});
