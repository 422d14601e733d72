import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { relayConfig } from './config.ts';

const base = { KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093', COMMANDS_DB_URL: 'mysql://relay:relay@127.0.0.1:3306/commands' };
const load = (extra: Record<string, string>) => loadConfig(relayConfig, { source: { ...base, ...extra }, exit: false });

describe('relayConfig', () => {
  it('defaults to a 5–100 ms adaptive poll and batches of 100', () => {
    expect(load({})).toMatchObject({ brokers: ['127.0.0.1:9092', '127.0.0.1:9093'], pollMinMs: 5, pollMaxMs: 100, batchSize: 100, topic: 'user-events' });
  });
  it.each([
    [{ RELAY_POLL_MIN_MS: '50', RELAY_POLL_MAX_MS: '10' }, /RELAY_POLL_MAX_MS/],
    [{ RELAY_BATCH_SIZE: '0' }, /RELAY_BATCH_SIZE/],
    [{ COMMANDS_DB_URL: 'mysql://relay:relay@localhost:3306/commands' }, /COMMANDS_DB_URL/],
    [{ KAFKA_BROKERS: '' }, /KAFKA_BROKERS/],
  ])('refuses %j', (extra, name) => {
    expect(() => load(extra as Record<string, string>)).toThrow(name);
  });
});
