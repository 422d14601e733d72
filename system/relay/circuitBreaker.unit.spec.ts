import { describe, expect, it } from 'vitest';
import { breakerStateValue, CircuitBreaker } from './circuitBreaker.ts';

const make = () => new CircuitBreaker({ threshold: 3, cooldownMs: 1000, maxCooldownMs: 4000, random: () => 0.999 });

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and opens at it', () => {
    const b = make();
    b.failure(0);
    b.failure(0);
    expect(b.state(0)).toBe('closed');
    b.failure(0);
    expect(b.state(0)).toBe('open');
    expect(b.canAttempt(500)).toBe(false);
    expect(b.waitMs(500)).toBe(500); // cooldown ≈ 1000 (random 0.999)
  });

  it('half-opens after the cooldown; a failed trial reopens it for longer, a success closes it', () => {
    const b = make();
    for (let i = 0; i < 3; i++) b.failure(0);
    expect(b.state(1000)).toBe('half-open');
    b.failure(1000); // trial failed: cooldown doubles (~2000)
    expect(b.state(2500)).toBe('open');
    expect(b.state(3000)).toBe('half-open');
    b.failure(3000); // ~4000 (the cap)
    b.failure(3000 + 4000); // still capped at ~4000
    expect(b.waitMs(7000)).toBeLessThanOrEqual(4000);
    expect(b.waitMs(7000)).toBeGreaterThan(3000);
    b.success();
    expect(b.state(7000)).toBe('closed');
  });

  it('jitters the cooldown into [base/2, base)', () => {
    const low = new CircuitBreaker({ threshold: 1, cooldownMs: 1000, maxCooldownMs: 4000, random: () => 0 });
    low.failure(0);
    expect(low.waitMs(0)).toBe(500);
  });

  it('maps states to gauge values', () => {
    expect([breakerStateValue('closed'), breakerStateValue('half-open'), breakerStateValue('open')]).toEqual([0, 1, 2]);
  });
});
