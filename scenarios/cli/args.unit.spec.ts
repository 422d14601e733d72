import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.ts';

const spec = { brokers: { kind: 'int', min: 1, max: 3 }, provider: { kind: 'string', values: ['local', 'external'] }, json: { kind: 'bool' } } as const;

describe('parseArgs', () => {
  it('parses positionals, flags with separate or inline values, and booleans', () => {
    expect(parseArgs(['up', '--brokers', '3', '--provider=local', '--json'], spec, 'u')).toEqual({
      positional: ['up'],
      flags: { brokers: 3, provider: 'local', json: true },
    });
  });
  it('rejects unknown flags listing the accepted ones', () => {
    expect(() => parseArgs(['--nope'], spec, 'u')).toThrow(/unknown flag --nope; accepted: --brokers, --provider, --json/);
  });
  it('rejects values outside the accepted set or range', () => {
    expect(() => parseArgs(['--provider', 'docker'], spec, 'u')).toThrow(/use one of: local, external/);
    expect(() => parseArgs(['--brokers', '5'], spec, 'u')).toThrow(UsageError);
    expect(() => parseArgs(['--brokers'], spec, 'u')).toThrow(/needs a value/);
  });
});
