import { describe, expect, it } from 'vitest';
import { extraInstanceTargets, resolveTopology, systemTopology } from './topology.ts';

describe('scenario topology', () => {
  it('defaults to one broker, one relay, one projector and 3 partitions', () => {
    expect(resolveTopology(undefined)).toEqual({ brokers: 1, relays: 1, projectors: 1, partitions: 3 });
    expect(systemTopology(undefined)).toEqual({ instances: { relay: 1, projector: 1 }, partitions: 3, standby: [] });
  });

  it('passes instances and partitions to the system, and names every extra instance as a target', () => {
    const t = { relays: 3, projectors: 2, partitions: 6 };
    expect(systemTopology(t)).toEqual({ instances: { relay: 3, projector: 2 }, partitions: 6, standby: [] });
    expect(extraInstanceTargets(t)).toEqual(['relay#2', 'relay#3', 'projector#2']);
  });

  it('refuses counts that are not whole numbers ≥ 1, and brokers other than 1 or 3', () => {
    expect(() => resolveTopology({ projectors: 0 })).toThrow(/topology.projectors/);
    expect(() => resolveTopology({ partitions: 2.5 })).toThrow(/topology.partitions/);
    expect(() => resolveTopology({ brokers: 2 as 1 })).toThrow(/topology.brokers/);
  });

  it('accepts a standby only among the extra instances', () => {
    expect(systemTopology({ projectors: 4, standby: ['projector#4'] }).standby).toEqual(['projector#4']);
    expect(() => systemTopology({ projectors: 3, standby: ['projector#4'] })).toThrow(/projector#2, projector#3/);
    expect(() => systemTopology({ projectors: 3, standby: ['projector'] })).toThrow(/standby projector/);
  });
});
