import { describe, expect, it } from 'vitest';
import { parseEquivalents } from './equivalents.ts';
import { loadEquivalents } from './equivalents.ts';

describe('equivalent mutants list', () => {
  it('reads id, place and reason, skipping comments and blank lines', () => {
    const m = parseEquivalents('# header\n\ng-0123456789ab\tsystem/relay/relay.ts:12\tthe default is the same value\n');
    expect([...m.values()]).toEqual([{ id: 'g-0123456789ab', where: 'system/relay/relay.ts:12', why: 'the default is the same value' }]);
  });

  it('refuses a line without a reason, a bad id and a duplicate, naming the line', () => {
    expect(() => parseEquivalents('g-0123456789ab\tx.ts:1\t\n')).toThrow(/:1: expected/);
    expect(() => parseEquivalents('g-xyz\tx.ts:1\twhy\n')).toThrow(/:1: expected/);
    expect(() => parseEquivalents('g-0123456789ab\tx.ts:1\twhy\ng-0123456789ab\tx.ts:1\twhy\n')).toThrow(
      /:2: g-0123456789ab is listed twice/,
    );
  });

  it('the committed list parses', () => {
    expect(() => loadEquivalents('fixtures/equivalent-mutants.tsv')).not.toThrow();
  });
});
