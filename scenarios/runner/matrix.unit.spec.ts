import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { configurationLabel } from '../checkers/expectations.ts';
import { planMatrix, unknownNames } from './matrix.ts';

const labels = (cells: ReturnType<typeof planMatrix>) => cells.map((c) => `${c.scenario.name}@${configurationLabel(c.configuration)}`);

describe('the guarantee matrix per profile', () => {
  it('ci runs every one-broker scenario but the full-only ones on the baseline plus the cells that must show weaker modes', () => {
    const cells = labels(planMatrix(SCENARIOS, { profile: 'ci' }));
    for (const s of SCENARIOS.filter((x) => !x.fullOnly && (x.topology?.brokers ?? 1) === 1))
      expect(
        cells.some((c) => c.startsWith(`${s.name}@`)),
        s.name,
      ).toBe(true);
    expect(cells).toContain('broker-outage@dual-write/effectively-once');
    expect(cells).toContain('kill-projector@outbox/at-least-once');
    expect(cells).toContain('kill-projector@outbox/at-most-once');
    expect(new Set(cells).size).toBe(cells.length);
  });

  it('ci runs the scale-out scenarios once each on outbox + effectively-once; zombie-projector only in full or when named', () => {
    const ci = labels(planMatrix(SCENARIOS, { profile: 'ci' }));
    expect(ci.filter((c) => /^(competing-relays|projector-rebalance|zombie-projector)@/.test(c))).toEqual([
      'competing-relays@outbox/effectively-once',
      'projector-rebalance@outbox/effectively-once',
    ]);
    expect(labels(planMatrix(SCENARIOS, { profile: 'ci', only: ['zombie-projector'] }))).toEqual([
      'zombie-projector@outbox/effectively-once',
    ]);
    expect(labels(planMatrix(SCENARIOS, { profile: 'full' })).filter((c) => c.startsWith('zombie-projector@'))).toEqual([
      'zombie-projector@outbox/effectively-once',
      'zombie-projector@outbox/at-least-once',
    ]);
  });

  it('full runs each scenario in every configuration it supports, and never kill-relay without a relay', () => {
    const cells = labels(planMatrix(SCENARIOS, { profile: 'full' }));
    expect(cells).toContain('broker-outage@outbox/at-most-once');
    expect(cells).toContain('slow-links@dual-write/effectively-once');
    expect(cells.filter((c) => c.startsWith('kill-relay@dual-write'))).toEqual([]);
    expect(cells.length).toBeGreaterThan(planMatrix(SCENARIOS, { profile: 'ci' }).length);
  });

  it('an explicit configuration runs the chosen scenarios in exactly that one', () => {
    expect(labels(planMatrix(SCENARIOS, { profile: 'ci', only: ['broker-outage', 'kill-relay'], publish: 'dual-write' }))).toEqual([
      'broker-outage@dual-write/effectively-once',
    ]);
  });

  it('ci cells come from what each scenario declares, not from names in the runner', () => {
    const { ci: _ci, configurations: _configurations, ...rest } = SCENARIOS[0]!;
    const plain = { ...rest, name: 'plain' };
    const declaring = { ...plain, name: 'declaring', ci: [{ publish: 'outbox', consume: 'at-most-once' }] as const };
    expect(labels(planMatrix([plain, declaring], { profile: 'ci' }))).toEqual([
      'plain@outbox/effectively-once',
      'declaring@outbox/effectively-once',
      'declaring@outbox/at-most-once',
    ]);
  });

  it('runs three-broker scenarios in full, and in ci only when named', () => {
    const three = SCENARIOS.filter((s) => s.topology?.brokers === 3).map((s) => s.name);
    expect(three).toEqual(expect.arrayContaining(['leader-failover', 'isr-shrink', 'controller-failover', 'random-scale-out']));
    const ci = labels(planMatrix(SCENARIOS, { profile: 'ci' }));
    const full = labels(planMatrix(SCENARIOS, { profile: 'full' }));
    for (const name of three) {
      expect(ci.filter((c) => c.startsWith(`${name}@`))).toEqual([]);
      expect(full).toContain(`${name}@outbox/effectively-once`);
    }
    expect(labels(planMatrix(SCENARIOS, { profile: 'ci', only: ['isr-shrink'] }))).toEqual(['isr-shrink@outbox/effectively-once']);
  });

  it('names unknown scenarios', () => {
    expect(unknownNames(SCENARIOS, ['broker-outage', 'nope'])).toEqual(['nope']);
  });
});
