import { describe, expect, it } from 'vitest';
import type { Scenario } from '../catalog/types.ts';
import { groupByBrokers } from './brokerGroups.ts';
import { BASELINE, type Cell } from './matrix.ts';

const cell = (name: string, brokers?: 1 | 3): Cell => ({
  scenario: { name, ...(brokers ? { topology: { brokers } } : {}) } as Scenario,
  configuration: BASELINE,
});

describe('cells grouped by broker count', () => {
  it('runs one-broker cells first, in their order, then the three-broker ones', () => {
    const g = groupByBrokers([cell('a', 3), cell('b'), cell('c', 3), cell('d', 1)], 1);
    expect(g.map((x) => [x.brokers, x.cells.map((c) => c.scenario.name)])).toEqual([
      [1, ['b', 'd']],
      [3, ['a', 'c']],
    ]);
  });

  it('uses --brokers for scenarios without a topology, never over a scenario that asks', () => {
    const g = groupByBrokers([cell('a'), cell('b', 1)], 3);
    expect(g.map((x) => [x.brokers, x.cells.map((c) => c.scenario.name)])).toEqual([
      [1, ['b']],
      [3, ['a']],
    ]);
  });

  it('keeps a single group (no re-up) when every cell needs the same count', () => {
    expect(groupByBrokers([cell('a'), cell('b')], 1)).toHaveLength(1);
    expect(groupByBrokers([], 1)).toEqual([]);
  });
});
