import { describe, expect, expectTypeOf, it } from 'vitest';
import { HelpRequested, parseArgs, UsageError } from './args.ts';

const spec = {
  brokers: { kind: 'int', min: 1, max: 3 },
  provider: { kind: 'string', values: ['local', 'external'] },
  json: { kind: 'bool' },
} as const;

describe('parseArgs', () => {
  it('parses positionals, flags with separate or inline values, and booleans', () => {
    expect(parseArgs(['up', '--brokers', '3', '--provider=local', '--json'], spec, 'u')).toEqual({
      positional: ['up'],
      flags: { brokers: 3, provider: 'local', json: true },
    });
  });
  it('rejects unknown flags listing the accepted ones', () => {
    expect(() => parseArgs(['--nope'], spec, 'u')).toThrow(/unknown flag --nope; accepted: --brokers, --provider, --json, --help/);
  });
  it('rejects values outside the accepted set or range', () => {
    expect(() => parseArgs(['--provider', 'docker'], spec, 'u')).toThrow(/use one of: local, external/);
    expect(() => parseArgs(['--brokers', '5'], spec, 'u')).toThrow(UsageError);
    expect(() => parseArgs(['--brokers'], spec, 'u')).toThrow(/needs a value/);
  });
});

describe('--help', () => {
  it('is understood by every CLI without declaring it, and carries the usage', () => {
    expect(() => parseArgs(['up', '--help'], spec, 'the usage')).toThrow(HelpRequested);
    try {
      parseArgs(['--help'], {}, 'the usage');
    } catch (e) {
      expect((e as HelpRequested).usage).toBe('the usage');
    }
  });
});

describe('parseArgs types', () => {
  it('types each flag from its spec: integers, listed values, strings, booleans; absent when not given', () => {
    const spec = {
      n: { kind: 'int', min: 0 },
      mode: { kind: 'string', values: ['a', 'b'] },
      path: { kind: 'string' },
      quick: { kind: 'bool' },
    } as const;
    const { flags } = parseArgs(['--n', '3', '--mode', 'b'], spec, 'usage');
    expectTypeOf(flags.n).toEqualTypeOf<number | undefined>();
    expectTypeOf(flags.mode).toEqualTypeOf<'a' | 'b' | undefined>();
    expectTypeOf(flags.path).toEqualTypeOf<string | undefined>();
    expectTypeOf(flags.quick).toEqualTypeOf<true | undefined>();
    expect(flags).toEqual({ n: 3, mode: 'b' });
  });
});
