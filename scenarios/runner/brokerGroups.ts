// What environment each cell needs (its broker count; whether `commands` keeps a binary log, which
// only the cdc publish modes read), and the cells grouped so the suite changes it as seldom as
// possible: one-broker cells first (the ci path never re-ups), then three-broker ones; within a
// broker count, the cells without the binary log and those with it, so the log is switched (a
// restart of `commands`) at most once per broker count. A broker change brings the environment up
// again anyway, with the next group's setting, at no extra cost. Pure.
import { isCdc } from '../../system/shared/modes.ts';
import type { Cell } from './matrix.ts';

/** A scenario's own topology wins over `--brokers` (it needs that many); otherwise --brokers, else 1. */
export const brokersFor = (cell: Cell, fallback: number): number => cell.scenario.topology?.brokers ?? fallback;

/** Whether a cell's environment needs the binary log of `commands` (Debezium reads it). */
export const binlogFor = (cell: Cell): boolean => isCdc(cell.configuration.publish);

export interface EnvironmentGroup {
  brokers: number;
  binlog: boolean;
  cells: Cell[];
}

/**
 * Cells grouped by the environment they need, each group in the cells' order. `current`, the
 * environment already up: where its broker count comes first, its binary-log setting leads within
 * it, so a suite on an environment brought up for cdc does not switch twice.
 */
export function groupByEnvironment(
  cells: readonly Cell[],
  fallback: number,
  current?: { brokers: number; binlog: boolean },
): EnvironmentGroup[] {
  const groups = new Map<string, EnvironmentGroup>();
  for (const c of cells) {
    const brokers = brokersFor(c, fallback);
    const binlog = binlogFor(c);
    const key = `${brokers}/${binlog}`;
    const g = groups.get(key) ?? { brokers, binlog, cells: [] };
    g.cells.push(c);
    groups.set(key, g);
  }
  const order = [...groups.values()].map((g) => g.brokers);
  const first = Math.min(...order);
  // Within a broker count: off first, unless that count comes first and the running environment has it on.
  const lead = (brokers: number) => (brokers === first && current?.brokers === brokers ? current.binlog : false);
  return [...groups.values()].sort(
    (a, b) => a.brokers - b.brokers || Number(b.binlog === lead(b.brokers)) - Number(a.binlog === lead(a.brokers)),
  );
}

/** How many times a suite over these groups changes its environment: broker re-ups and binary-log switches. */
export function environmentChanges(
  groups: readonly Pick<EnvironmentGroup, 'brokers' | 'binlog'>[],
  current?: { brokers: number; binlog: boolean },
): { reUps: number; binlogSwitches: number } {
  let reUps = 0;
  let binlogSwitches = 0;
  let at = current;
  for (const g of groups) {
    if (at && at.brokers !== g.brokers) reUps++;
    else if (at && at.binlog !== g.binlog) binlogSwitches++;
    at = g;
  }
  return { reUps, binlogSwitches };
}
