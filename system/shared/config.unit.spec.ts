import { describe, expect, it } from 'vitest';
import { DEFAULTS, envReader, loadConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('envReader', () => {
  it('reads typed values and falls back to defaults', () => {
    const env = envReader({ HTTP_PORT: '29100', MODE: 'dual-write', FLAG: 'yes', BROKERS: ' 127.0.0.1:1, 127.0.0.1:2 ,', EMPTY: '  ' });
    expect(env.int('HTTP_PORT', 8080)).toBe(29100);
    expect(env.int('MISSING', 8080)).toBe(8080);
    expect(env.oneOf('MODE', ['outbox', 'dual-write'] as const, 'outbox')).toBe('dual-write');
    expect(env.bool('FLAG', false)).toBe(true);
    expect(env.list('BROKERS')).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    expect(env.optional('EMPTY')).toBeUndefined();
    expect(env.str('EMPTY', 'd')).toBe('d');
  });

  it.each([
    ['int', () => envReader({ P: '80a' }).int('P', 1), /P="80a"; accepted: an integer/],
    ['int range', () => envReader({ P: '70000' }).int('P', 1, { min: 0, max: 65535 }), /P="70000"; accepted: an integer in \[0, 65535\]/],
    ['oneOf', () => envReader({ M: 'both' }).oneOf('M', ['outbox', 'dual-write']), /M="both"; accepted: outbox\|dual-write/],
    ['bool', () => envReader({ B: 'maybe' }).bool('B'), /B="maybe"; accepted: true\|false/],
    ['url scheme', () => envReader({ U: 'http://127.0.0.1' }).url('U', ['mysql']), /U="http:\/\/127.0.0.1"; accepted: a URL mysql/],
    ['url localhost', () => envReader({ U: 'mysql://a:b@localhost:1/x' }).url('U', ['mysql']), /not localhost/],
    ['required', () => envReader({}).str('NEEDED'), /NEEDED=\(unset\)/],
  ])('rejects a bad %s with one line naming the variable', (_label, read, message) => {
    let caught: unknown;
    try {
      read();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('loadConfig freezes the result and throws instead of exiting when exit is false', () => {
    const cfg = loadConfig((env) => ({ port: env.int('HTTP_PORT', DEFAULTS.httpPort) }), { source: {}, exit: false });
    expect(cfg.port).toBe(8080);
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(() => loadConfig((env) => env.int('HTTP_PORT'), { source: { HTTP_PORT: 'x' }, exit: false })).toThrow(ConfigError);
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });
});
