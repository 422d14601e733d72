// Judges a stored run again, offline: each scenario record of the run folder goes through the same
// judge as during the run, with today's checkers, expectations in the record and the catalog's
// non-vacuity checks. Nothing is copied from an old report.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Felt } from '../catalog/types.ts';
import type { Checker } from '../checkers/types.ts';
import { readRecord } from '../record/scenarioRecord.ts';
import type { RunResult } from '../report/types.ts';
import { judge } from './judge.ts';
import { RUN_INDEX_FILE, type RunIndex } from './runIndex.ts';

export class RunDirError extends Error {
  override name = 'RunDirError';
}

export interface RejudgeOptions {
  /** The non-vacuity checks of a scenario by name (the catalog's); undefined: unknown scenario. */
  feltOf: (scenario: string) => readonly Felt[] | undefined;
  checkers?: readonly Checker[];
}

export function readRunIndex(dir: string): RunIndex {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunDirError(`${dir} is not a directory`);
  const path = join(dir, RUN_INDEX_FILE);
  if (!existsSync(path)) throw new RunDirError(`${path} not found: give a run folder, e.g. reports/<run-id>`);
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RunDirError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const r = j as Partial<RunIndex> | null;
  if (!r || typeof r !== 'object' || typeof r.runId !== 'string' || !Array.isArray(r.results))
    throw new RunDirError(`${path} is not a faultline run index (no runId / results)`);
  return r as RunIndex;
}

export function rejudgeRun(dir: string, o: RejudgeOptions): RunResult {
  const { results, ...head } = readRunIndex(dir);
  return {
    ...head,
    results: results.map((entry) => {
      if ('stored' in entry) return entry.stored;
      const record = readRecord(join(dir, entry.record));
      const felt = o.feltOf(record.facts.scenario);
      const r = judge(record, { felt: felt ?? [], ...(o.checkers ? { checkers: o.checkers } : {}) });
      const unknown =
        felt === undefined ? [`scenario ${record.facts.scenario} is not in the catalog: its non-vacuity checks were not re-run`] : [];
      const error = [r.error, ...unknown].filter(Boolean).join('; ');
      return { ...r, recordDir: entry.record, ...(error ? { error } : {}) };
    }),
  };
}
