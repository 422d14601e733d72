import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GeneratedMutant } from './generated.ts';
import { globToRegExp, parseShard, selectGenerated } from './sample.ts';

const mutant = (i: number, file = `system/relay/f${i % 5}.ts`): GeneratedMutant => ({
  id: `g-${String(i).padStart(6, '0')}`,
  strykerId: String(i),
  file,
  mutatorName: 'BooleanLiteral',
  line: 1,
  column: 0,
  offset: 0,
  original: 'true',
  replacement: 'false',
});
const all = Array.from({ length: 200 }, (_, i) => mutant(i));

describe('generated mutant selection', () => {
  it('samples reproducibly: same seed same sample, whatever order the mutants came in', () => {
    const a = selectGenerated(all, { seed: 1, sample: 20 });
    expect(a).toHaveLength(20);
    expect(selectGenerated([...all].reverse(), { seed: 1, sample: 20 })).toEqual(a);
    expect(selectGenerated(all, { seed: 2, sample: 20 })).not.toEqual(a);
  });

  it('deals one sample to n shards with nothing lost or doubled', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
        const whole = selectGenerated(all, { seed, sample: 50 });
        const parts = Array.from({ length: n }, (_, i) => selectGenerated(all, { seed, sample: 50, shard: { index: i + 1, count: n } }));
        expect(
          parts
            .flat()
            .map((m) => m.id)
            .sort(),
        ).toEqual(whole.map((m) => m.id).sort());
      }),
    );
  });

  it('runs exactly the ids asked for, and names an id it does not know', () => {
    expect(selectGenerated(all, { seed: 1, sample: 3, ids: ['g-000007', 'g-000002'] }).map((m) => m.id)).toEqual(['g-000002', 'g-000007']);
    expect(() => selectGenerated(all, { seed: 1, ids: ['g-000002', 'g-nope'] })).toThrow(/no generated mutant g-nope/);
  });

  it('keeps only the files the globs match', () => {
    const picked = selectGenerated([...all, mutant(999, 'system/projector/projectRun.ts')], { seed: 1, files: 'system/projector/**' });
    expect(picked.map((m) => m.file)).toEqual(['system/projector/projectRun.ts']);
    expect(globToRegExp('system/*/f1.ts').test('system/relay/f1.ts')).toBe(true);
    expect(globToRegExp('system/*/f1.ts').test('system/relay/x/f1.ts')).toBe(false);
    expect(globToRegExp('system/**/f?.ts').test('system/relay/x/f1.ts')).toBe(true);
  });

  it('parses a shard as i/n and refuses anything else with the form expected', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/i\/n/);
  });
});
