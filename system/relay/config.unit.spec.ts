import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { relayConfig } from './config.ts';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
  COMMANDS_DB_URL: 'mysql://relay:not-a-real-password@127.0.0.1:3306/commands',
};
const load = (extra: Record<string, string>) => loadConfig(relayConfig, { source: { ...base, ...extra }, exit: false });

describe('relayConfig', () => {
  it('defaults to a 1–25 ms adaptive poll, batches of 100 claimed four at a time, a 30 s lease, a ≤ 250 ms breaker cooldown', () => {
    expect(load({})).toMatchObject({
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      pollMinMs: 1,
      pollMaxMs: 25,
      batchSize: 500,
      claimBatches: 2,
      claimLeaseMs: 30_000,
      breakerMaxCooldownMs: 250,
      topic: 'user-events',
    });
  });
  it.each([
    [{ RELAY_POLL_MIN_MS: '50', RELAY_POLL_MAX_MS: '10' }, /RELAY_POLL_MAX_MS/],
    [{ RELAY_BATCH_SIZE: '0' }, /RELAY_BATCH_SIZE/],
    [{ RELAY_CLAIM_LEASE_MS: '5000' }, /RELAY_CLAIM_LEASE_MS/], // shorter than a send may take
    [{ RELAY_BREAKER_COOLDOWN_MS: '500', RELAY_BREAKER_MAX_COOLDOWN_MS: '100' }, /RELAY_BREAKER_MAX_COOLDOWN_MS/],
    [{ COMMANDS_DB_URL: 'mysql://relay:not-a-real-password@localhost:3306/commands' }, /COMMANDS_DB_URL/],
    [{ KAFKA_BROKERS: '' }, /KAFKA_BROKERS/],
  ])('refuses %j', (extra, name) => {
    expect(() => load(extra as Record<string, string>)).toThrow(name);
  });
});
