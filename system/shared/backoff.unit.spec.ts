import { describe, expect, it } from 'vitest';
import { backoffDelay, retry, RetriesExhaustedError } from './backoff.ts';
import { DependencyUnavailableError, ValidationError } from './errors.ts';

describe('backoffDelay (full jitter)', () => {
  it('is random() times the capped exponential ceiling', () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(0, { ...opts, random: () => 0.5 })).toBe(50);
    expect(backoffDelay(1, { ...opts, random: () => 0.5 })).toBe(100);
    expect(backoffDelay(3, { ...opts, random: () => 0.999 })).toBe(799);
    expect(backoffDelay(4, { ...opts, random: () => 0.999 })).toBe(999); // capped at maxMs
    expect(backoffDelay(10_000, { ...opts, random: () => 0.5 })).toBe(500); // no overflow
  });

  it('can be zero (full jitter) and never reaches the ceiling', () => {
    expect(backoffDelay(2, { baseMs: 100, maxMs: 1_000, random: () => 0 })).toBe(0);
    for (let a = 0; a < 20; a++) expect(backoffDelay(a, { baseMs: 100, maxMs: 1_000, random: () => 0.9999999 })).toBeLessThan(1_000);
  });

  it('rejects a negative or fractional attempt', () => {
    expect(() => backoffDelay(-1, { baseMs: 1, maxMs: 1 })).toThrow(RangeError);
    expect(() => backoffDelay(0.5, { baseMs: 1, maxMs: 1 })).toThrow(RangeError);
  });
});

describe('retry', () => {
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };

  it('given a transient failure twice, when retried, then succeeds on the third attempt with the computed delays', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 3) throw new DependencyUnavailableError('db');
        return 'ok';
      },
      { ...noSleep, baseMs: 10, maxMs: 1_000, sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([5, 10]);
  });

  it('rethrows a non-retriable error at once', async () => {
    let calls = 0;
    const err = new ValidationError('bad');
    await expect(
      retry(async () => {
        calls++;
        throw err;
      }, noSleep),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last error and the count', async () => {
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        throw new DependencyUnavailableError('kafka');
      },
      { ...noSleep, maxAttempts: 4 },
    );
    await expect(p).rejects.toBeInstanceOf(RetriesExhaustedError);
    await p.catch((e: RetriesExhaustedError) => {
      expect(e.attempts).toBe(4);
      expect(e.lastError).toBeInstanceOf(DependencyUnavailableError);
    });
    expect(calls).toBe(4);
  });

  it('uses a custom classifier and reports each retry', async () => {
    const seen: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 2) throw new Error('flaky');
        return calls;
      },
      { ...noSleep, isRetriable: () => true, onRetry: (i) => seen.push(i.attempt) },
    );
    expect(seen).toEqual([1]);
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = retry(
      async () => {
        calls++;
        ac.abort();
        throw new DependencyUnavailableError('db');
      },
      { ...noSleep, signal: ac.signal },
    );
    await expect(p).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(calls).toBe(1);
  });
});

describe('retry with a time budget', () => {
  it('keeps retrying until the budget has passed, then makes one last attempt at its end', async () => {
    let clock = 0;
    const starts: number[] = [];
    const err = Object.assign(new Error('down'), {});
    await expect(
      retry(
        async () => {
          starts.push(clock);
          throw err;
        },
        {
          budgetMs: 1000,
          baseMs: 100,
          maxMs: 400,
          maxAttempts: Number.MAX_SAFE_INTEGER,
          random: () => 0.001, // near-zero jitter: an attempt count alone would give up almost at once
          isRetriable: () => true,
          now: () => clock,
          sleep: async (ms) => {
            clock += Math.max(ms, 1);
          },
        },
      ),
    ).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(starts[starts.length - 1]).toBeGreaterThanOrEqual(1000);
    expect(starts[starts.length - 2]).toBeLessThan(1000);
  });

  it('succeeds when the fault heals within the budget', async () => {
    let clock = 0;
    const result = await retry(
      async () => {
        if (clock < 900) throw new Error('down');
        return 'ok';
      },
      {
        budgetMs: 1000,
        baseMs: 50,
        maxMs: 200,
        maxAttempts: Number.MAX_SAFE_INTEGER,
        isRetriable: () => true,
        now: () => clock,
        sleep: async (ms) => {
          clock += Math.max(ms, 1);
        },
      },
    );
    expect(result).toBe('ok');
  });
});
