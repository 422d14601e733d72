// Evenly spaced send times for an open-loop load (autocannon's rate limit sends each second's
// quota in a burst, which would measure queueing, not visibility). Pure.

/** Send offsets in ms for `rate` requests/s over `durationS`, evenly spaced from 0. */
export function sendSchedule(rate: number, durationS: number): number[] {
  if (!(rate > 0) || !(durationS > 0)) return [];
  const n = Math.floor(rate * durationS);
  const gap = 1000 / rate;
  return Array.from({ length: n }, (_, i) => i * gap);
}

/** Every `every`-th accepted command is probed, so about `probesPerSecond` per second. */
export function sampleEvery(rate: number, probesPerSecond: number): number {
  return Math.max(1, Math.round(rate / Math.max(1, probesPerSecond)));
}
