import type { Timestamp } from './types.ts';

export type Clock = () => Timestamp;

/** Monotonic ms since creation (performance.now never jumps back) plus the wall clock. */
export function createClock(now: () => number = () => performance.now(), wall: () => number = () => Date.now()): Clock {
  const origin = now();
  return () => ({ ms: Math.round((now() - origin) * 1000) / 1000, wall: new Date(wall()).toISOString() });
}
