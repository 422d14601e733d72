import { describe, expect, it } from 'vitest';
import { envUpBasePort } from './envUpPhase.ts';
import { DEFAULT_PHASES, parseOnly, PHASES, QUICK, FULL } from './phase.ts';
import { reportFileName } from './report.ts';

describe('--only', () => {
  it('absent means every phase but the opt-in ones', () => {
    expect(parseOnly(undefined)).toEqual([...DEFAULT_PHASES]);
    expect(DEFAULT_PHASES).not.toContain('clients');
    expect(PHASES).toContain('clients');
  });
  it('an opt-in phase runs when named', () => expect(parseOnly('clients')).toEqual(['clients']));
  it('keeps the canonical order whatever the order asked', () => expect(parseOnly('e2e, write')).toEqual(['write', 'e2e']));
  it('an unknown phase is an error listing the accepted ones', () => {
    expect(() => parseOnly('write,bogus')).toThrow(
      /unknown phase bogus; accepted: write, relay, projector, e2e, cpu, recovery, env-up, clients/,
    );
    expect(() => parseOnly(',')).toThrow(/accepted/);
  });
});

describe('sizes', () => {
  it('--quick is smaller than the full run in every size, same connection count', () => {
    expect(QUICK.projectorEvents).toBeLessThan(FULL.projectorEvents);
    expect(QUICK.relayEvents).toBeLessThan(FULL.relayEvents);
    expect(QUICK.writeSeconds).toBeLessThan(FULL.writeSeconds);
    expect(FULL.projectorEvents).toBe(100_000);
    expect(QUICK.connections).toBe(FULL.connections);
    expect(FULL.outageSeconds).toBe(5); // the recovery figure is defined for a 5 s cut
    expect(QUICK.outageSeconds).toBe(FULL.outageSeconds);
    expect(QUICK.clientsProduceRecords).toBeLessThan(FULL.clientsProduceRecords);
    expect(FULL.clientsRepetitions).toBeGreaterThanOrEqual(2); // a median and a spread need two runs each
  });
});

describe('env-up base port', () => {
  it('is 100 above the environment under test, below when above is out of range, or the override', () => {
    expect(envUpBasePort({ FAULTLINE_BASE_PORT: '25000' })).toBe(25100);
    expect(envUpBasePort({})).toBe(19100);
    expect(envUpBasePort({ FAULTLINE_BASE_PORT: '32600' })).toBe(32500);
    expect(envUpBasePort({ FAULTLINE_BENCH_ENV_BASE_PORT: '22000' })).toBe(22000);
  });
});

describe('report file name', () => {
  it('carries the date and time without colons', () => {
    expect(reportFileName(new Date('2026-11-28T10:15:07.123Z'))).toBe('bench-2026-11-28T10-15-07.json');
  });
});
