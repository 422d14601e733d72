import { describe, expect, it } from 'vitest';
import { binlogChange, binlogProblem, hasBinlog, needsBinlog } from './binlog.ts';
import type { EnvAddresses } from './types.ts';

const env = (provider: EnvAddresses['provider'], binlog: boolean | undefined) =>
  ({
    provider,
    mariadb: { commands: { host: '127.0.0.1', port: 24041, database: 'commands', admin: { user: 'root', password: 'x' }, binlog } },
  }) as unknown as EnvAddresses;

const ON = { log_bin: 1, binlog_format: 'ROW', binlog_row_image: 'FULL' };
const OFF = { log_bin: 0, binlog_format: 'MIXED', binlog_row_image: 'FULL' };

describe('the binary log of commands', () => {
  it('is needed by the cdc modes only', () => {
    expect(needsBinlog('cdc')).toBe(true);
    expect(needsBinlog('cdc-eos')).toBe(true);
    expect(needsBinlog('outbox')).toBe(false);
    expect(needsBinlog('dual-write')).toBe(false);
  });

  it('reads as off from an env.json that does not record it', () => {
    expect(hasBinlog(env('local', undefined))).toBe(false);
    expect(hasBinlog(env('local', true))).toBe(true);
  });

  it('is switched by restarting commands on the local provider, both ways', () => {
    expect(binlogChange(env('local', false), true)).toBe('restart');
    expect(binlogChange(env('local', true), false)).toBe('restart');
    expect(binlogChange(env('local', true), true)).toBe('keep');
    expect(binlogChange(env('local', false), false)).toBe('keep');
  });

  it('is refused where the provider cannot give one, and a user server keeps the one it has', () => {
    expect(binlogChange(env('testcontainers', false), true)).toEqual({ refused: expect.stringMatching(/--provider local/) });
    expect(binlogChange(env('testcontainers', false), false)).toBe('keep');
    expect(binlogChange(env('external', false), true)).toEqual({ refused: expect.stringMatching(/127\.0\.0\.1:24041.*log_bin/) });
    expect(binlogChange(env('external', true), false)).toBe('keep');
  });

  it('refuses a cdc start without it, saying how to get it; other modes do not care', () => {
    const local = binlogProblem(OFF, 'cdc', 'local');
    expect(local).toMatch(/--publish cdc streams the binary log of commands.*log_bin=0/);
    expect(local).toContain('npm run env -- up --publish cdc');
    expect(local).toContain('--binlog');
    expect(binlogProblem(OFF, 'cdc-eos', 'testcontainers')).toMatch(/--provider local/);
    expect(binlogProblem(OFF, 'cdc', 'external')).toMatch(/log_bin, binlog_format=ROW/);
    expect(binlogProblem(OFF, 'outbox', 'local')).toBeUndefined();
    expect(binlogProblem(ON, 'cdc', 'local')).toBeUndefined();
    expect(binlogProblem({ ...ON, log_bin: '1' }, 'cdc-eos', 'local')).toBeUndefined();
    expect(binlogProblem({ ...ON, binlog_format: 'STATEMENT' }, 'cdc', 'external')).toMatch(/binlog_format=STATEMENT/);
  });
});
