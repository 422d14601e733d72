// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
// delay = random() * min(maxMs, baseMs * 2^attempt). Full jitter spreads retries of many clients
// hitting the same recovering server. Pure: the random source and the sleep are injected, so
// tests are deterministic and fast.
import { isRetriable as isFaultlineRetriable } from './errors.ts';

export interface BackoffOptions {
  baseMs: number; // delay cap for the first retry
  maxMs: number; // cap for any single delay
  random?: () => number; // in [0, 1); Math.random by default
}

export const BACKOFF_DEFAULTS = Object.freeze({
  baseMs: 100, // 100 ms
  maxMs: 5_000, // 5 seconds
  maxAttempts: 8, // total attempts including the first
});

/** Delay before retry number `attempt` (0-based: attempt 0 is the first retry). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const random = opts.random ?? Math.random;
  // Cap the exponent so 2^attempt cannot overflow to Infinity for large attempt counts.
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions extends Partial<BackoffOptions> {
  maxAttempts?: number; // total attempts including the first; must be >= 1
  isRetriable?: (err: unknown) => boolean; // default: FaultlineError.retriable
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  signal?: AbortSignal; // stops retrying (the last error is thrown)
  /**
   * Time budget (ms): keep retrying until this long has passed since the first attempt, and
   * make one last attempt at its end. With full jitter an attempt count alone guarantees no
   * minimum time, so "a fault shorter than the budget never exhausts it" needs a budget in time.
   */
  budgetMs?: number;
  now?: () => number;
}

export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`, {
      cause: lastError,
    });
    this.name = 'RetriesExhaustedError';
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn` until it succeeds, a non-retriable error is thrown (rethrown as is), or the attempt
 * budget is spent (RetriesExhaustedError carrying the last error and the attempt count).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const maxAttempts = opts.maxAttempts ?? BACKOFF_DEFAULTS.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be >= 1, got ${maxAttempts}`);
  const isRetriable = opts.isRetriable ?? isFaultlineRetriable;
  const sleep = opts.sleep ?? realSleep;
  const backoff: BackoffOptions = {
    baseMs: opts.baseMs ?? BACKOFF_DEFAULTS.baseMs,
    maxMs: opts.maxMs ?? BACKOFF_DEFAULTS.maxMs,
    ...(opts.random ? { random: opts.random } : {}),
  };
  const now = opts.now ?? Date.now;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    const attemptStartedAt = now() - started;
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isRetriable(error) || opts.signal?.aborted) throw error;
      if (attempt + 1 >= maxAttempts) throw new RetriesExhaustedError(attempt + 1, error);
      let delayMs = backoffDelay(attempt, backoff);
      if (opts.budgetMs !== undefined) {
        // The attempt that started at or after the budget's end was the last one.
        if (attemptStartedAt >= opts.budgetMs) throw new RetriesExhaustedError(attempt + 1, error);
        delayMs = Math.max(0, Math.min(delayMs, opts.budgetMs - (now() - started)));
      }
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
