// The generated campaign's verdicts and report, read like Stryker's: killed, survived, timeout,
// no coverage (no scenario runs the code), compile error and equivalent (both left out of the
// score), error. Every survivor is listed with its diff and the runs it passed. Pure.
import type { CellOutcome, MutantStatus } from './classify.ts';
import type { GeneratedMutant } from './generated.ts';
import type { UnitVerdict } from './unitTier.ts';

export type GeneratedStatus = MutantStatus | 'no-coverage' | 'compile-error' | 'equivalent';

export interface GeneratedResult {
  mutant: GeneratedMutant;
  status: GeneratedStatus;
  cells: CellOutcome[];
  wallMs: number;
  detail?: string;
  /** For a survivor: what its unit specs said (beside the score, not in it). */
  unit?: UnitVerdict;
}

export interface CampaignRun {
  startedAt: string;
  finishedAt: string;
  seed: number;
  sample: number | null;
  files: string | null;
  shard: string | null;
  generated: number; // every mutant the instrumenter made for the target files
  results: GeneratedResult[];
}

export function scoreOf(results: readonly GeneratedResult[]) {
  const count = (s: GeneratedStatus) => results.filter((r) => r.status === s).length;
  const excluded = count('equivalent') + count('compile-error');
  const scored = results.length - excluded;
  const killed = count('killed');
  return {
    total: results.length,
    scored,
    killed,
    survived: count('survived'),
    noCoverage: count('no-coverage'),
    timeout: count('timeout'),
    error: count('error'),
    equivalent: count('equivalent'),
    compileError: count('compile-error'),
    unitKilled: results.filter((r) => r.status === 'survived' && r.unit?.status === 'killed').length,
    /** killed / every mutant that is neither equivalent nor a compile error. */
    killRate: scored === 0 ? null : killed / scored,
    /** Stryker's mutation score: timeouts count as detected. */
    mutationScore: scored === 0 ? null : (killed + count('timeout')) / scored,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const where = (m: GeneratedMutant) => `${m.file}:${m.line}:${m.column + 1}`;
const killing = (r: GeneratedResult) => r.cells.find((c) => c.status === 'killed');

/** A survivor as a reviewer needs it: where, which operator, the diff, and what it got through. */
export function survivorText(r: GeneratedResult): string[] {
  const m = r.mutant;
  const diff = [...m.original.split('\n').map((l) => `  - ${l}`), ...m.replacement.split('\n').map((l) => `  + ${l}`)];
  const passed = r.cells.filter((c) => c.status === 'passed').map((c) => c.cell);
  return [
    `${m.id}  ${r.status.toUpperCase()}  ${m.mutatorName} at ${where(m)}`,
    ...diff,
    `  passed: ${r.status === 'no-coverage' ? '(no scenario runs this code)' : passed.join(', ') || '—'}`,
    ...(r.detail ? [`  ${r.detail.split('\n')[0]}`] : []),
    ...(r.unit ? [`  unit tier: ${unitLine(r.unit)}`] : []),
  ];
}

const unitLine = (u: UnitVerdict): string =>
  u.status === 'killed'
    ? `kills it (${u.failed.slice(0, 3).join('; ')}${u.failed.length > 3 ? `; ${u.failed.length - 3} more` : ''})`
    : u.status === 'passed'
      ? 'passes too (no unit spec sees it either)'
      : `could not judge it: ${u.detail ?? 'error'}`;

export function renderCampaignText(run: CampaignRun): string {
  const s = scoreOf(run.results);
  const minutes = ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 60_000).toFixed(1);
  const rows = run.results.map(
    (r) =>
      `  ${r.mutant.id}  ${r.status.padEnd(13)} ${(killing(r)?.cell ?? '—').padEnd(44)} ${(killing(r)?.anomalies.join(', ') ?? '').padEnd(24)} ${where(r.mutant)}`,
  );
  const survivors = run.results.filter((r) => r.status === 'survived' || r.status === 'no-coverage' || r.status === 'error');
  return [
    `generated mutants: ${run.generated} in the target files; this campaign: ${run.results.length} (sample ${run.sample ?? 'all'}, seed ${run.seed}${run.files ? `, files ${run.files}` : ''}${run.shard ? `, shard ${run.shard}` : ''}), ${minutes} min`,
    '',
    ...rows,
    '',
    `score: ${s.killed}/${s.scored} killed (${pct(s.killRate)}); mutation score with timeouts ${pct(s.mutationScore)}; survived ${s.survived}, no coverage ${s.noCoverage}, timeout ${s.timeout}, error ${s.error}; left out: equivalent ${s.equivalent}, compile error ${s.compileError}`,
    ...(s.survived > 0
      ? [`of the ${s.survived} survivors, the unit tier kills ${s.unitKilled} (not counted in the score: the scenarios missed them)`]
      : []),
    ...(survivors.length
      ? [
          '',
          'survivors (the to-do list: kill each with a new fault, generator or checker, or explain it):',
          ...survivors.flatMap(survivorText),
        ]
      : []),
  ].join('\n');
}

export function renderCampaignJson(run: CampaignRun): string {
  return (
    JSON.stringify(
      {
        ...run,
        score: scoreOf(run.results),
        results: run.results.map((r) => ({ ...r, killingRun: killing(r)?.cell ?? null })),
      },
      null,
      2,
    ) + '\n'
  );
}
