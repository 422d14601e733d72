// Circuit breaker around the broker: after `threshold` consecutive failures it opens and the relay
// stops trying for a cooldown (which doubles, with jitter, up to `maxCooldownMs`, while trials keep
// failing); then one trial batch (half-open) closes it on success. Pure: the clock is passed in.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold: number; // consecutive failures that open it
  cooldownMs: number; // first open period
  maxCooldownMs: number;
  random?: () => number; // jitter source in [0, 1)
}

export class CircuitBreaker {
  private failures = 0;
  private opens = 0;
  private openUntil = 0;
  private current: BreakerState = 'closed';

  constructor(private readonly o: BreakerOptions) {}

  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openUntil) this.current = 'half-open';
    return this.current;
  }

  /** May a call go out now? (closed, or half-open for its one trial.) */
  canAttempt(now: number): boolean {
    return this.state(now) !== 'open';
  }

  /** Milliseconds until a trial is allowed (0 when it is). */
  waitMs(now: number): number {
    return this.state(now) === 'open' ? this.openUntil - now : 0;
  }

  success(): void {
    this.failures = 0;
    this.opens = 0;
    this.current = 'closed';
  }

  failure(now: number): void {
    this.failures++;
    if (this.current === 'half-open' || this.failures >= this.o.threshold) {
      const base = Math.min(this.o.maxCooldownMs, this.o.cooldownMs * 2 ** Math.min(this.opens, 30));
      // Jitter in [base/2, base): relays restarted together do not retry in lockstep.
      const jittered = base / 2 + (this.o.random ?? Math.random)() * (base / 2);
      this.openUntil = now + Math.round(jittered);
      this.opens++;
      this.current = 'open';
    }
  }
}

/** Breaker state as a gauge value: 0 closed, 1 half-open, 2 open. */
export function breakerStateValue(s: BreakerState): number {
  return s === 'closed' ? 0 : s === 'half-open' ? 1 : 2;
}
