// Which broker count each cell needs, and the cells grouped so the environment is brought up
// once per count: one-broker cells first (the ci path never re-ups), then three-broker ones. Pure.
import type { Cell } from './matrix.ts';

/** A scenario's own topology wins over `--brokers` (it needs that many); otherwise --brokers, else 1. */
export const brokersFor = (cell: Cell, fallback: number): number => cell.scenario.topology?.brokers ?? fallback;

export function groupByBrokers(cells: readonly Cell[], fallback: number): { brokers: number; cells: Cell[] }[] {
  const groups = new Map<number, Cell[]>();
  for (const c of cells) {
    const n = brokersFor(c, fallback);
    groups.set(n, [...(groups.get(n) ?? []), c]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([brokers, cs]) => ({ brokers, cells: cs }));
}
