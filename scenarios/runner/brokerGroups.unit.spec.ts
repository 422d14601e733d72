import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Configuration } from '../../system/shared/modes.ts';
import type { Scenario } from '../catalog/types.ts';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { environmentChanges, groupByEnvironment } from './brokerGroups.ts';
import { BASELINE, planMatrix, type Cell } from './matrix.ts';

const CDC: Configuration = { publish: 'cdc', consume: 'effectively-once' };
const EOS: Configuration = { publish: 'cdc-eos', consume: 'effectively-once' };

const cell = (name: string, brokers?: 1 | 3, configuration: Configuration = BASELINE): Cell => ({
  scenario: { name, ...(brokers ? { topology: { brokers } } : {}) } as Scenario,
  configuration,
});
const shape = (cells: Cell[], fallback = 1, current?: { brokers: number; binlog: boolean }) =>
  groupByEnvironment(cells, fallback, current).map((g) => [g.brokers, g.binlog, g.cells.map((c) => c.scenario.name)]);

describe('cells grouped by the environment they need', () => {
  it('runs one-broker cells first, in their order, then the three-broker ones', () => {
    expect(shape([cell('a', 3), cell('b'), cell('c', 3), cell('d', 1)])).toEqual([
      [1, false, ['b', 'd']],
      [3, false, ['a', 'c']],
    ]);
  });

  it('uses --brokers for scenarios without a topology, never over a scenario that asks', () => {
    expect(shape([cell('a'), cell('b', 1)], 3)).toEqual([
      [1, false, ['b']],
      [3, false, ['a']],
    ]);
  });

  it('keeps a single group (no re-up) when every cell needs the same environment', () => {
    expect(groupByEnvironment([cell('a'), cell('b')], 1)).toHaveLength(1);
    expect(groupByEnvironment([], 1)).toEqual([]);
  });

  it('puts the cdc cells (binary log) together after the others of their broker count, cdc and cdc-eos alike', () => {
    const cells = [cell('a'), cell('a', undefined, CDC), cell('a', undefined, EOS), cell('b'), cell('c', 3, CDC), cell('c', 3)];
    expect(shape(cells)).toEqual([
      [1, false, ['a', 'b']],
      [1, true, ['a', 'a']],
      [3, false, ['c']],
      [3, true, ['c']],
    ]);
    expect(groupByEnvironment(cells, 1)[1]!.cells.map((c) => c.configuration.publish)).toEqual(['cdc', 'cdc-eos']);
  });

  it('starts with the binary log where the running environment has it on (one switch, not two)', () => {
    const cells = [cell('a'), cell('b', undefined, CDC)];
    expect(shape(cells, 1, { brokers: 1, binlog: true })).toEqual([
      [1, true, ['b']],
      [1, false, ['a']],
    ]);
    expect(environmentChanges(groupByEnvironment(cells, 1, { brokers: 1, binlog: true }), { brokers: 1, binlog: true })).toEqual({
      reUps: 0,
      binlogSwitches: 1,
    });
    // Up with three brokers: the one-broker cells still come first, and the re-up picks their setting.
    expect(shape(cells, 1, { brokers: 3, binlog: true })).toEqual([
      [1, false, ['a']],
      [1, true, ['b']],
    ]);
  });

  it('the ci profile needs no binary log: it never switches', () => {
    const groups = groupByEnvironment(planMatrix(SCENARIOS, { profile: 'ci' }), 1);
    expect(groups.map((g) => [g.brokers, g.binlog])).toEqual([[1, false]]);
  });

  it('switch the binary log at most once per broker count, and bring each broker count up at most once', () => {
    const configurations = [BASELINE, CDC, EOS, { publish: 'dual-write', consume: 'at-least-once' } as Configuration];
    const arbCell = fc.record({
      name: fc.constantFrom('a', 'b', 'c'),
      brokers: fc.constantFrom<1 | 3 | undefined>(1, 3, undefined),
      configuration: fc.constantFrom(...configurations),
    });
    const arbCurrent = fc.option(fc.record({ brokers: fc.constantFrom(1, 3), binlog: fc.boolean() }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(arbCell, { maxLength: 30 }), fc.constantFrom(1, 3), arbCurrent, (specs, fallback, current) => {
        const cells = specs.map((s) => cell(s.name, s.brokers, s.configuration));
        const groups = groupByEnvironment(cells, fallback, current);
        // Every cell once, each group in the cells' order.
        expect(groups.flatMap((g) => g.cells).length).toBe(cells.length);
        for (const g of groups) {
          const at = g.cells.map((c) => cells.indexOf(c));
          expect(at).toEqual([...at].sort((x, y) => x - y));
        }
        const counts = new Set(groups.map((g) => g.brokers));
        const { reUps, binlogSwitches } = environmentChanges(groups, current);
        // Each broker count up once: a re-up per count after the first (and for the first too when
        // the running environment has another count).
        const firstIsCurrent = current === undefined || groups[0]?.brokers === current.brokers;
        expect(reUps).toBe(Math.max(0, counts.size - (firstIsCurrent ? 1 : 0)));
        // The binary log switched only within a broker count that needs both settings, once; plus,
        // at most once, to bring the running environment to its count's only setting.
        const both = [...counts].filter((n) => groups.filter((g) => g.brokers === n).length === 2).length;
        const adopt = current !== undefined && groups[0]?.brokers === current.brokers && groups[0].binlog !== current.binlog ? 1 : 0;
        expect(binlogSwitches).toBeLessThanOrEqual(both + adopt);
        expect(groups.filter((g, k) => k > 0 && g.brokers !== groups[k - 1]!.brokers).length).toBe(Math.max(0, counts.size - 1));
      }),
    );
  });
});
