import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { COMMAND_DEFAULTS, readCommandServiceConfig } from './config.ts';

const load = (env: Record<string, string>) =>
  loadConfig(readCommandServiceConfig, { source: { COMMANDS_DB_URL: 'mysql://u:p@127.0.0.1:1/commands', ...env }, exit: false });

describe('readCommandServiceConfig', () => {
  it('has group-commit and lock-retry defaults', () => {
    expect(load({})).toMatchObject({
      publishMode: 'outbox',
      groupMaxCommands: COMMAND_DEFAULTS.groupMaxCommands,
      groupConcurrency: COMMAND_DEFAULTS.groupConcurrency,
      lockRetryBudgetMs: COMMAND_DEFAULTS.lockRetryBudgetMs,
      lockWaitTimeoutS: COMMAND_DEFAULTS.lockWaitTimeoutS,
    });
  });
  it('keeps group concurrency within the pool (a group holds a connection)', () => {
    expect(load({ DB_POOL_SIZE: '1' }).groupConcurrency).toBe(1);
    expect(() => load({ DB_POOL_SIZE: '2', GROUP_CONCURRENCY: '3' })).toThrow(/GROUP_CONCURRENCY/);
    expect(load({ GROUP_CONCURRENCY: '1', GROUP_MAX_COMMANDS: '8' })).toMatchObject({ groupConcurrency: 1, groupMaxCommands: 8 });
  });
  it('refuses bad values naming the variable', () => {
    expect(() => load({ GROUP_MAX_COMMANDS: '0' })).toThrow(/GROUP_MAX_COMMANDS/);
    expect(() => load({ PUBLISH_MODE: 'kafka' })).toThrow(/PUBLISH_MODE.*outbox\|dual-write/);
    expect(() => load({ PUBLISH_MODE: 'dual-write' })).toThrow(/KAFKA_BROKERS/);
  });
});
