// One mutant end to end: apply in memory → typecheck → scratch copy → (its own environment, or the
// shared one) → its runs through the normal scenario CLI of the copy, until one kills it → the
// copy's system processes (or its whole environment) stopped and the copy removed, whatever
// happened (the caller's signal handler only stops the running child).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApplyError, applyEdits, locations, type MutatedFile } from './apply.ts';
import { cellLabel, scenarioCliArgs } from './cells.ts';
import { logTail, runChild } from './child.ts';
import { classifyCell, mutantStatus, readReportResult, shouldStop, type CellOutcome } from './classify.ts';
import type { CellRef, Mutant } from './mutant.ts';
import type { MutantResult } from './report.ts';
import { infraDown, infraUp, stopSystemOf, type EnvTarget } from './environment.ts';
import { createScratch } from './scratch.ts';
import type { TypeChecker } from './typecheck.ts';

export interface RunMutantOptions {
  root: string; // the repository the mutants are read against
  cells: CellRef[];
  seed: number;
  outDir: string; // reports/mutants-<date>/<mutant id>
  typeChecker: TypeChecker;
  scenarioTimeoutMs: number;
  env: NodeJS.ProcessEnv; // FAULTLINE_BASE_PORT etc. for the scratch copy's environment
  aborted: () => boolean;
  log: (line: string) => void;
  /** An environment already up (its FAULTLINE_RUN_DIR), shared by every mutant; else each brings up its own. */
  sharedRunDir?: string;
  /** false: run every cell even after a kill (the baseline wants to see them all). */
  stopOnKill?: boolean;
}

export async function runMutant(m: Mutant, o: RunMutantOptions): Promise<MutantResult> {
  const started = Date.now();
  const base = { id: m.id, description: m.description, ...(m.killedBy ? { killedBy: m.killedBy } : {}) };
  const fail = (detail: string, files: MutatedFile[] = [], cells: CellOutcome[] = []): MutantResult => ({
    ...base,
    locations: locations(files),
    status: 'error',
    cells,
    wallMs: Date.now() - started,
    detail,
  });
  let files: MutatedFile[];
  try {
    files = applyEdits(m, (f) => readFileSync(join(o.root, f), 'utf8'));
  } catch (err) {
    if (err instanceof ApplyError) return fail(err.message);
    throw err;
  }
  const typeErrors = o.typeChecker.check(files);
  if (typeErrors.length) return fail(`does not typecheck:\n${typeErrors.join('\n')}`, files);

  mkdirSync(o.outDir, { recursive: true });
  const scratch = createScratch(o.root, m.id, files);
  const target: EnvTarget = { cwd: scratch.dir, runDir: o.sharedRunDir ?? scratch.runDir, env: o.env, logFile: join(o.outDir, 'env.log') };
  const cli: Cli = (args, logName, timeoutMs) =>
    runChild({ cwd: scratch.dir, args, env: { ...o.env, FAULTLINE_RUN_DIR: target.runDir }, logFile: join(o.outDir, logName), timeoutMs });
  const cells: CellOutcome[] = [];
  try {
    if (!o.sharedRunDir) {
      o.log(`  scratch copy ${scratch.dir}; its own environment up`);
      const up = await infraUp(target, o.log, o.aborted);
      if (up.exitCode !== 0)
        return fail(
          `environment did not come up (exit ${up.exitCode}${up.timedOut ? ', timed out' : ''}):\n${logTail(target.logFile)}`,
          files,
        );
    } else o.log(`  scratch copy ${scratch.dir}`);
    for (const c of o.cells) {
      if (o.aborted()) break;
      const outcome = await runCell(c, o, scratch.dir, cli);
      cells.push(outcome);
      o.log(
        `  ${outcome.cell}: ${outcome.status}${outcome.anomalies.length ? ` (${outcome.anomalies.join(', ')})` : ''}${outcome.scenarioMs !== null ? ` in ${(outcome.scenarioMs / 1000).toFixed(1)} s` : ''}`,
      );
      if (o.stopOnKill !== false && shouldStop(outcome)) break;
    }
  } finally {
    // Shared: only this copy's (mutated) processes go; per mutant: its whole environment.
    const stopped = o.sharedRunDir ? await stopSystemOf(target) : await infraDown(target);
    if (stopped.exitCode !== 0)
      o.log(`  warning: stopping exited ${stopped.exitCode}; see ${target.logFile}; scratch copy kept at ${scratch.dir}`);
    else scratch.remove();
  }
  if (o.aborted() && !cells.some(shouldStop)) return fail('interrupted', files, cells);
  return { ...base, locations: locations(files), status: mutantStatus(cells), cells, wallMs: Date.now() - started };
}

type Cli = (args: string[], logName: string, timeoutMs: number) => ReturnType<typeof runChild>;

async function runCell(c: CellRef, o: RunMutantOptions, dir: string, cli: Cli): Promise<CellOutcome> {
  const label = cellLabel(c);
  const logName = `${label.replace(/[@/]/g, '+')}.log`;
  const reportsDir = join(dir, 'reports');
  const before = new Set(existsSync(reportsDir) ? readdirSync(reportsDir) : []);
  const run = await cli(scenarioCliArgs(c, o.seed), logName, o.scenarioTimeoutMs);
  const fresh = (existsSync(reportsDir) ? readdirSync(reportsDir) : [])
    .filter((d) => !before.has(d) && existsSync(join(reportsDir, d, 'report.json')))
    .sort((a, b) => statSync(join(reportsDir, a)).mtimeMs - statSync(join(reportsDir, b)).mtimeMs);
  const dirName = fresh[fresh.length - 1];
  let report: ReturnType<typeof readReportResult> = 'the scenario CLI wrote no report';
  if (dirName) {
    // Kept for the lead: the evidence of a kill (history, final state, report) outlives the copy.
    cpSync(join(reportsDir, dirName), join(o.outDir, label.replace(/[@/]/g, '+')), { recursive: true });
    try {
      report = readReportResult(JSON.parse(readFileSync(join(reportsDir, dirName, 'report.json'), 'utf8')));
    } catch (err) {
      report = `report.json unreadable: ${(err as Error).message}`;
    }
  }
  return classifyCell(label, { timedOut: run.timedOut, exitCode: run.exitCode, report, logTail: logTail(join(o.outDir, logName), 8) });
}
