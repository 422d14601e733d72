// Which scenario runs execute which generated mutant's code: one run of the profile's cells on a
// copy whose target files carry every mutant switched off (Stryker's instrumented code), each
// process writing the mutant places it executed (coverageHook.mjs). Stored in the cache under a
// hash of the target files and of the harness files that decide what the runs do (scenarios,
// faults, workload, fault profiles, poison): recorded again when either changed, so a new fault's
// reach counts from the campaign after it lands.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from '../environment/paths.ts';
import { cellLabel, scenarioCliArgs } from './cells.ts';
import { runChild } from './child.ts';
import type { Instrumented } from './generated.ts';
import type { CellRef } from './mutant.ts';
import { stopSystemOf } from './environment.ts';
import { createScratch } from './scratch.ts';

export interface CoverageMap {
  targetsHash: string;
  recordedAt: string;
  /** Cell label → the generated ids whose code ran in it (any process, the harness included). */
  cells: Record<string, string[]>;
}

export function targetsHash(root: string, files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files)
    h.update(f)
      .update('\u0000')
      .update(readFileSync(join(root, f)))
      .update('\u0000');
  return h.digest('hex').slice(0, 16);
}

/** Scenarios, faults, workload, load, fault profiles and poison cases: what decides which code a run executes. */
export function harnessFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, keep: (f: string) => boolean) => {
    const abs = join(root, dir);
    if (!existsSync(abs)) return;
    for (const e of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel, keep);
      else if (keep(e.name)) out.push(rel);
    }
  };
  const source = (f: string) => f.endsWith('.ts') && !f.endsWith('.spec.ts');
  for (const d of ['scenarios/catalog', 'scenarios/faults', 'scenarios/workload', 'scenarios/load']) walk(d, source);
  for (const d of ['fixtures/fault-profiles', 'fixtures/poison']) walk(d, () => true);
  return out;
}

export const coverageFile = (hash: string, env: NodeJS.ProcessEnv = process.env) => join(cacheDir(env), `mutant-coverage-${hash}.json`);

export function loadCoverage(hash: string, env: NodeJS.ProcessEnv = process.env): CoverageMap | undefined {
  const f = coverageFile(hash, env);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as CoverageMap) : undefined;
}

/** The cells that ran the mutant, in the profile's order; none: its code never ran. */
export function coveringCells(map: CoverageMap, id: string, profile: readonly CellRef[]): CellRef[] {
  return profile.filter((c) => map.cells[cellLabel(c)]?.includes(id));
}

/** Every id seen by any process of one cell's run. */
export function readCoverageDir(dir: string, strykerToId: ReadonlyMap<string, string>): string[] {
  const seen = new Set<string>();
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!f.endsWith('.json')) continue;
    for (const s of JSON.parse(readFileSync(join(dir, f), 'utf8')) as string[]) {
      const id = strykerToId.get(s);
      if (id) seen.add(id);
    }
  }
  return [...seen].sort();
}

export interface RecordOptions {
  root: string;
  instrumented: Instrumented;
  hash: string;
  cells: readonly CellRef[];
  seed: number;
  outDir: string;
  env: NodeJS.ProcessEnv;
  sharedRunDir: string;
  scenarioTimeoutMs: number;
  log: (line: string) => void;
}

/** Runs every cell once on the instrumented copy and stores the map. Minutes: one profile's worth. */
export async function recordCoverage(o: RecordOptions): Promise<CoverageMap> {
  const scratch = createScratch(
    o.root,
    'coverage',
    o.instrumented.files.map((f) => ({ file: f.name, original: '', mutated: f.content, lines: [] })),
  );
  const hook = resolve(o.root, 'scenarios/mutants/coverageHook.mjs');
  const strykerToId = new Map(o.instrumented.mutants.map((m) => [m.strykerId, m.id]));
  const map: CoverageMap = { targetsHash: o.hash, recordedAt: new Date().toISOString(), cells: {} };
  mkdirSync(o.outDir, { recursive: true });
  try {
    for (const c of o.cells) {
      const label = cellLabel(c);
      const dir = join(o.outDir, label.replace(/[@/]/g, '+'));
      const started = Date.now();
      const run = await runChild({
        cwd: scratch.dir,
        args: scenarioCliArgs(c, o.seed),
        env: {
          ...o.env,
          FAULTLINE_RUN_DIR: o.sharedRunDir,
          FAULTLINE_MUTANT_COVERAGE_DIR: dir,
          NODE_OPTIONS: `${o.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
        },
        logFile: `${dir}.log`,
        timeoutMs: o.scenarioTimeoutMs,
      });
      map.cells[label] = readCoverageDir(dir, strykerToId);
      o.log(
        `  coverage ${label}: ${map.cells[label]!.length} mutant places ran (${((Date.now() - started) / 1000).toFixed(0)} s${run.exitCode === 0 ? '' : `, exit ${run.exitCode}${run.timedOut ? ', timed out' : ''}`})`,
      );
    }
  } finally {
    // The last run's processes still run from the copy: stop them before it goes.
    await stopSystemOf({ cwd: scratch.dir, runDir: o.sharedRunDir, env: o.env, logFile: join(o.outDir, 'stop.log') });
    scratch.remove();
  }
  mkdirSync(cacheDir(o.env), { recursive: true });
  writeFileSync(coverageFile(o.hash, o.env), JSON.stringify(map));
  return map;
}
