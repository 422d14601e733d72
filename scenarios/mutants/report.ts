// The self-test's report, read like Stryker's: one row per mutant, the kill rate, and every
// survivor with where it lives. Writers are pure: results → text.
import type { CellOutcome, MutantStatus } from './classify.ts';

export const MUTANTS_REPORT_SCHEMA_VERSION = 1;

export interface MutantResult {
  id: string;
  description: string;
  killedBy?: string; // the fixture's intent
  locations: string[]; // system/x.ts:12
  status: MutantStatus;
  cells: CellOutcome[];
  wallMs: number; // scratch copy, environment and every run, for this mutant
  detail?: string; // why it is an error, when no run said so
}

export interface MutantsRun {
  startedAt: string;
  finishedAt: string;
  seed: number;
  profile: string | null; // null: each mutant's own runs only
  /** Every declared run was made, not only those up to the first kill. */
  everyRun?: boolean;
  results: MutantResult[];
}

export function killingCell(r: MutantResult): CellOutcome | undefined {
  return r.cells.find((c) => c.status === 'killed');
}

/** Scenario time until the kill: every run before the killing one, plus the killing run. */
export function timeToKillMs(r: MutantResult): number | null {
  const i = r.cells.findIndex((c) => c.status === 'killed');
  if (i < 0) return null;
  return r.cells.slice(0, i + 1).reduce((sum, c) => sum + (c.scenarioMs ?? 0), 0);
}

export function summarize(results: readonly MutantResult[]) {
  const count = (s: MutantStatus) => results.filter((r) => r.status === s).length;
  const total = results.length;
  const killed = count('killed');
  return {
    total,
    killed,
    survived: count('survived'),
    timeout: count('timeout'),
    error: count('error'),
    /** killed / total: what the gate wants at 100 %. */
    killRate: total === 0 ? null : killed / total,
    /** Stryker's mutation score counts timeouts as detected; shown beside the kill rate. */
    mutationScore: total === 0 ? null : (killed + count('timeout')) / total,
  };
}

/** Exit 0 only if every mutant was killed. */
export const allKilled = (results: readonly MutantResult[]) => results.length > 0 && results.every((r) => r.status === 'killed');

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const cellText = (r: MutantResult) => killingCell(r)?.cell ?? '—';
const minutes = (run: MutantsRun) => `${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 60_000).toFixed(1)} min`;
const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMutantsJson(run: MutantsRun): string {
  return (
    JSON.stringify(
      {
        schemaVersion: MUTANTS_REPORT_SCHEMA_VERSION,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        seed: run.seed,
        profile: run.profile,
        everyRun: run.everyRun === true,
        summary: summarize(run.results),
        mutants: run.results.map((r) => ({
          id: r.id,
          description: r.description,
          killedBy: r.killedBy ?? null,
          locations: r.locations,
          status: r.status,
          killingRun: killingCell(r)?.cell ?? null,
          anomalies: killingCell(r)?.anomalies ?? [],
          timeToKillMs: timeToKillMs(r),
          wallMs: r.wallMs,
          detail: r.detail ?? null,
          runs: r.cells.map((c) => ({
            run: c.cell,
            status: c.status,
            anomalies: c.anomalies,
            scenarioMs: c.scenarioMs,
            detail: c.detail ?? null,
          })),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

export function renderMutantsMarkdown(run: MutantsRun): string {
  const s = summarize(run.results);
  const out = [
    `# Mutation self-test`,
    '',
    `seed ${run.seed}, ${run.profile ? `each mutant's runs, then the ${run.profile} profile` : "each mutant's own runs"}; ${run.startedAt} → ${run.finishedAt} (${minutes(run)})`,
    '',
    `**Kill rate: ${s.killed}/${s.total} (${pct(s.killRate)})** — survived ${s.survived}, timeout ${s.timeout}, error ${s.error}; mutation score (Stryker: killed + timeout) ${pct(s.mutationScore)}`,
    '',
    '| mutant | status | killed by run | anomalies | time to kill | runs | wall | where |',
    '|---|---|---|---|---|---|---|---|',
    ...run.results.map(
      (r) =>
        `| ${r.id} | ${r.status.toUpperCase()} | ${cellText(r)} | ${escapeCell(killingCell(r)?.anomalies.join(', ') || '—')} | ${secs(timeToKillMs(r))} | ${r.cells.length} | ${secs(r.wallMs)} | ${r.locations.join(', ')} |`,
    ),
  ];
  if (run.everyRun) out.push('', ...renderKillMatrix(run.results));
  const notKilled = run.results.filter((r) => r.status !== 'killed');
  if (notKilled.length) {
    out.push('', '## Not killed', '');
    for (const r of notKilled) {
      out.push(`### ${r.status.toUpperCase()}: ${r.id} (${r.locations.join(', ')})`, '', r.description, '');
      if (r.killedBy) out.push(`Meant to be caught by: ${r.killedBy}`, '');
      if (r.detail) out.push(`- ${escapeCell(r.detail)}`);
      for (const c of r.cells) out.push(`- ${c.cell}: ${c.status}${c.detail ? ` — ${escapeCell(c.detail)}` : ''}`);
      out.push('');
    }
  }
  return out.join('\n') + '\n';
}

/** Every run of every mutant (with --every-run): which scenarios catch it, not only the first. */
export function renderKillMatrix(results: readonly MutantResult[]): string[] {
  return [
    '## Every run',
    '',
    '| mutant | run | outcome | anomalies | scenario time |',
    '|---|---|---|---|---|',
    ...results.flatMap((r) =>
      r.cells.map(
        (c) => `| ${r.id} | ${c.cell} | ${c.status.toUpperCase()} | ${escapeCell(c.anomalies.join(', ') || '—')} | ${secs(c.scenarioMs)} |`,
      ),
    ),
  ];
}

/** The console table, one line per mutant. */
export function renderMutantsTable(results: readonly MutantResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.status.toUpperCase(),
    cellText(r),
    killingCell(r)?.anomalies.join(', ') || '—',
    secs(timeToKillMs(r)),
    r.locations.join(', '),
  ]);
  const head = ['mutant', 'status', 'killed by run', 'anomalies', 'time to kill', 'where'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  const s = summarize(results);
  return [
    line(head),
    w.map((n) => '-'.repeat(n)).join('  '),
    ...rows.map(line),
    '',
    `kill rate ${s.killed}/${s.total} (${pct(s.killRate)}); survived ${s.survived}, timeout ${s.timeout}, error ${s.error}`,
  ].join('\n');
}
