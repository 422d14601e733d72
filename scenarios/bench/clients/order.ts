// The order the clients run in: forward then backward (A B C C B A …), so none always runs first
// on a cold broker or last on a warm one, and slow drift (page cache, log segments, the other
// load on the machine) falls on every client alike. Pure.

export function alternatingOrder<T>(items: readonly T[], repetitions: number): T[] {
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError(`repetitions must be an integer ≥ 1, got ${repetitions}`);
  const out: T[] = [];
  for (let r = 0; r < repetitions; r++) out.push(...(r % 2 === 0 ? items : [...items].reverse()));
  return out;
}
