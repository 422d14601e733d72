import { describe, expect, it } from 'vitest';
import { hostPids } from './hostPids.ts';
import type { EnvAddresses } from './types.ts';

describe('host pids', () => {
  it('none where the servers are not processes of this host: a reason, not an empty (zero) figure', () => {
    for (const provider of ['testcontainers', 'external'] as const) {
      const env = { provider, kafka: { brokers: 1 } } as EnvAddresses;
      expect(hostPids(env, ['relay'])).toEqual({ unknown: `the ${provider} provider's servers are not processes of this host` });
    }
  });
});
