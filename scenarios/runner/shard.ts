// One deterministic slice of a profile's cells for one machine of a CI matrix (`--shard i/n`):
// cells balanced over the shards by their recorded durations (longest first, each to the least
// loaded shard), every shard's cells kept in the profile's order. The suite groups a shard's cells
// by the environment they need, so each broker topology is brought up at most once per shard and
// `commands`' binary log (cdc cells only) is switched at most once per topology: a restart of that
// one server, a few seconds, so cdc cells are balanced like the others rather than kept together.
// Pure.
import { configurationLabel } from '../checkers/expectations.ts';
import type { Cell } from './matrix.ts';

export interface Shard {
  index: number; // 1-based
  count: number;
}

/** `<time>-seed<N>`, and `-shard<i>of<n>` for a slice: two shards started in the same second on one machine got one folder. */
export function runFolderName(at: Date, seed: number, shard?: Shard): string {
  return `${at.toISOString().replace(/[:.]/g, '-').slice(0, 19)}-seed${seed}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
}

export const cellKey = (c: Cell) => `${c.scenario.name}@${configurationLabel(c.configuration)}`;

/** A cell with no recorded duration is planned at this: a typical one-broker run. */
export const DEFAULT_CELL_MS = 40_000;

export function planShards(cells: readonly Cell[], count: number, durationsMs: Readonly<Record<string, number>>): Cell[][] {
  const ms = (c: Cell) => durationsMs[cellKey(c)] ?? DEFAULT_CELL_MS;
  const order = cells.map((c, i) => ({ c, i })).sort((a, b) => ms(b.c) - ms(a.c) || a.i - b.i);
  const loads = Array.from({ length: count }, () => 0);
  const owner = new Map<number, number>();
  for (const { c, i } of order) {
    const s = loads.indexOf(Math.min(...loads));
    loads[s] = loads[s]! + ms(c);
    owner.set(i, s);
  }
  return loads.map((_, s) => cells.filter((_, i) => owner.get(i) === s));
}

export function shardOf(cells: readonly Cell[], shard: Shard, durationsMs: Readonly<Record<string, number>>): Cell[] {
  return planShards(cells, shard.count, durationsMs)[shard.index - 1]!;
}

/** `2/4` → { index: 2, count: 4 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard ${text}: give i/n with 1 ≤ i ≤ n, e.g. 2/4`);
  return { index, count };
}
