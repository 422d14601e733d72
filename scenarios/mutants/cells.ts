// Which scenario runs a mutant goes through, in order. Pure.
import { configurationLabel } from '../checkers/expectations.ts';
import type { CellRef, Mutant } from './mutant.ts';

export const cellLabel = (c: CellRef) => `${c.scenario}@${configurationLabel(c.configuration)}`;

/**
 * The mutant's own runs first (the ones meant to kill it fast); with a profile, then every other
 * run of that profile. A mutant that declares none runs the profile's runs (by default, ci's).
 */
export function cellsFor(m: Pick<Mutant, 'cells'>, profileCells: readonly CellRef[], useProfile: boolean): CellRef[] {
  const own = m.cells ?? [];
  const extra = useProfile || own.length === 0 ? profileCells : [];
  const out: CellRef[] = [];
  for (const c of [...own, ...extra]) if (!out.some((x) => cellLabel(x) === cellLabel(c))) out.push(c);
  return out;
}

/** The scenario CLI of a tree, running exactly this one cell at `seed`. */
export const scenarioCliArgs = (c: CellRef, seed: number): string[] => [
  'scenarios/cli/scenarios.ts',
  '--only',
  c.scenario,
  '--publish',
  c.configuration.publish,
  '--consume',
  c.configuration.consume,
  '--seed',
  String(seed),
];
