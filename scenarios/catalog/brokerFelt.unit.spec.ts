import { describe, expect, it } from 'vitest';
import type { BrokerSample } from '../record/types.ts';
import { controllerChanged, isrBelow, leaderChanged } from './brokerFelt.ts';
import type { Observations } from './types.ts';

const obs = (brokers?: BrokerSample[]): Observations =>
  ({
    samples: [],
    samplerStartMs: 0,
    ops: [],
    faults: [],
    final: { write: { events: [], users: [] }, read: { users: [], applied: [], parked: [] }, topics: { events: [], dlq: [] } },
    poisoned: [],
    ...(brokers ? { brokers } : {}),
  }) as Observations;
const at = (ms: number, leaders: number[], isr: number[][] = leaders.map(() => [1, 2, 3]), controller?: number): BrokerSample => ({
  ms,
  ...(controller !== undefined ? { controller } : {}),
  partitions: leaders.map((leader, partition) => ({ partition, leader, isr: isr[partition]! })),
});

describe('broker non-vacuity checks', () => {
  it('a leader change is felt only when one partition moved to another broker', () => {
    expect(leaderChanged.check(obs([at(0, [1, 2, 3]), at(500, [1, 2, 3])]))).toBe(false);
    expect(leaderChanged.check(obs([at(0, [1, 2, 3]), at(500, [-1, 2, 3])]))).toBe(false);
    expect(leaderChanged.check(obs([at(0, [1, 2, 3]), at(500, [-1, 2, 3]), at(1000, [2, 2, 3])]))).toBe(true);
  });

  it('ISR below 2 is felt from one sample, and not from error samples or full ISRs', () => {
    expect(isrBelow(2).check(obs([at(0, [1, 2, 3]), { ms: 500, partitions: [], error: 'timeout' }]))).toBe(false);
    expect(isrBelow(2).check(obs([at(0, [1, 2, 3], [[1, 2, 3], [2], [1, 3]])]))).toBe(true);
    expect(
      isrBelow(2).check(
        obs([
          at(
            0,
            [1, 2, 3],
            [
              [1, 2],
              [2, 3],
              [1, 3],
            ],
          ),
        ]),
      ),
    ).toBe(false);
  });

  it('a controller change needs two different active controllers', () => {
    expect(controllerChanged.check(obs([at(0, [1], undefined, 1), at(500, [1], undefined, 1)]))).toBe(false);
    expect(controllerChanged.check(obs([at(0, [1], undefined, 1), at(500, [1]), at(900, [1], undefined, 3)]))).toBe(true);
  });

  it('no broker samples (a one-broker run) is never felt', () => {
    for (const f of [leaderChanged, isrBelow(2), controllerChanged]) expect(f.check(obs())).toBe(false);
  });
});
