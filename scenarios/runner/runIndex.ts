// `runs.json` at the top of a run folder: the run's identity and, in order, the folder of each
// scenario record (a search scenario's is the try that fast-check kept). `npm run check` re-judges
// each of them; a result without a record (a harness failure) is kept as it was.
import type { RunResult, ScenarioRunResult } from '../report/types.ts';

export const RUN_INDEX_FILE = 'runs.json';

export interface RunIndex {
  runId: string;
  startedAt: string;
  finishedAt: string;
  profile?: string;
  machine?: NonNullable<RunResult['machine']>;
  /** Per result: the record folder relative to the run folder, or the stored result when there is none. */
  results: ({ record: string } | { stored: ScenarioRunResult })[];
}

export function runIndexOf(run: RunResult): RunIndex {
  const { results, ...head } = run;
  return { ...head, results: results.map((r) => (r.recordDir !== undefined ? { record: r.recordDir } : { stored: r })) };
}
