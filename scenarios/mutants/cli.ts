// `npm run mutants`: the mutation self-test. Each planted bug in fixtures/mutants/ is applied to a
// scratch copy and run through the scenarios meant to catch it; a mutant that survives is a hole
// in the harness. Exit 0 only if every mutant was killed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { planMatrix, PROFILES, type Profile } from '../runner/matrix.ts';
import { parseArgs, runCli, UsageError, type Flags } from '../cli/args.ts';
import { ApplyError, applyEdits, locations } from './apply.ts';
import { cellLabel, cellsFor } from './cells.ts';
import { stopCurrentChild } from './child.ts';
import { loadMutants, selectMutants, type CellRef, type Mutant } from './mutant.ts';
import { allKilled, renderMutantsJson, renderMutantsMarkdown, renderMutantsTable, type MutantResult } from './report.ts';
import { infraDown, sharedInfraUp, type EnvTarget } from './environment.ts';
import { runMutant, type RunMutantOptions } from './runMutant.ts';
import { createTypeChecker } from './typecheck.ts';
import { runCampaign } from './campaign.ts';
import { parseShard } from './sample.ts';

const USAGE = `usage: npm run mutants -- [--only id,id] [--seed N] [--profile ci|full] [--check] [--list]
                            [--baseline] [--own-env] [--every-run] [--scenario-timeout S]
       npm run mutants -- --generated [--sample N] [--seed S] [--files glob,glob] [--shard i/n]
                            [--only g-id,g-id] [--refresh-coverage] [--list]
  --generated      StrykerJS's mutants of the delivery-critical files of system/ instead of the
                   hand-written set: a reproducible sample (--sample, --seed), each run through the
                   ci runs that execute its code (a coverage map recorded once per version of the
                   code, in the cache), stopping at the first kill; prints the score and every
                   survivor's diff; exit 0 when at least 90 % of the scored mutants are killed.
                   Equivalent mutants are listed in fixtures/equivalent-mutants.tsv. --shard i/n
                   runs every n-th mutant of the sample: the n shards together run exactly the sample;
                   --only runs exactly the named generated mutants (no sample)
  (default)        each mutant in a scratch copy, through the runs it declares
                   (fixtures/mutants/<id>.json "scenarios"; none declared: the ci profile), stopping
                   at the first run that fails with an anomaly; one environment (Kafka, MariaDB,
                   Toxiproxy) serves every mutant, each copy starting its own system processes
  --own-env        each mutant brings up (and takes down) an environment of its own
  --every-run      do not stop at the first kill: run every declared run, so the report says
                   which scenarios catch each mutant (a kill matrix), not only the first
  --profile P      after a mutant's own runs, every other run of profile P
  --check          only verify that every mutant applies exactly once to the current tree and
                   typechecks (seconds; no environment)
  --list           ids, where they live and what they plant
  --baseline       first run every selected run on the unmutated code (Stryker's dry run): if one
                   fails there, a kill would prove nothing, so the self-test stops (exit 1)
  --seed N         scenario seed (default 1)
  --scenario-timeout S   one scenario run's limit in seconds (default 900): then "timeout"
environment: FAULTLINE_BASE_PORT for the self-test's environment (keep it off any running
environment's ports); its state is in .faultline-mutants/. Reports: reports/mutants-<date>/mutants.{json,md}`;

const FLAGS = {
  only: { kind: 'string' },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  profile: { kind: 'string', values: PROFILES },
  check: { kind: 'bool' },
  list: { kind: 'bool' },
  baseline: { kind: 'bool' },
  'own-env': { kind: 'bool' },
  'every-run': { kind: 'bool' },
  'scenario-timeout': { kind: 'int', min: 10, max: 24 * 3600 },
  generated: { kind: 'bool' },
  sample: { kind: 'int', min: 1, max: 100_000 },
  files: { kind: 'string' },
  shard: { kind: 'string' },
  'refresh-coverage': { kind: 'bool' },
} as const;

const MUTANTS_DIR = join(PROJECT_ROOT, 'fixtures', 'mutants');
const read = (f: string) => readFileSync(join(PROJECT_ROOT, f), 'utf8');

function check(mutants: readonly Mutant[]): number {
  const started = Date.now();
  const tc = createTypeChecker(PROJECT_ROOT);
  let bad = 0;
  for (const m of mutants) {
    try {
      const files = applyEdits(m, read);
      const errors = tc.check(files);
      if (errors.length) {
        bad++;
        console.log(
          `  TYPE  ${m.id} (${locations(files).join(', ')}): the mutated code does not typecheck:\n${errors.map((e) => `          ${e}`).join('\n')}`,
        );
      } else console.log(`  ok    ${m.id.padEnd(48)} ${locations(files).join(', ')}`);
    } catch (err) {
      if (!(err instanceof ApplyError)) throw err;
      bad++;
      console.log(`  ${err.problem === 'not-found' ? 'GONE ' : err.problem === 'ambiguous' ? 'AMBIG' : 'READ '} ${err.message}`);
    }
  }
  console.log(`\n${mutants.length - bad}/${mutants.length} mutants apply and typecheck (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return bad === 0 ? 0 : 1;
}

type Common = Omit<RunMutantOptions, 'cells'>;

/** Stryker's dry run: every selected run on the unmutated code must pass, or a kill proves nothing. */
async function baselinePasses(mutants: readonly Mutant[], profileCells: CellRef[], useProfile: boolean, common: Common): Promise<boolean> {
  const all = mutants.flatMap((m) => cellsFor(m, profileCells, useProfile));
  const cells = all.filter((c, i) => all.findIndex((x) => cellLabel(x) === cellLabel(c)) === i);
  console.log(`\nbaseline (no mutation): ${cells.map(cellLabel).join(', ')}`);
  const clean: Mutant = { id: 'baseline', description: 'the unmutated code', edits: [], sourceFile: '' };
  const b = await runMutant(clean, { ...common, cells, stopOnKill: false });
  if (b.status === 'survived') {
    console.log('baseline: every run passes on the unmutated code');
    return true;
  }
  console.log(
    `\nbaseline: the unmutated code does not pass every run (${b.status}${b.detail ? `: ${b.detail}` : ''}); no mutant was run.\n` +
      b.cells
        .filter((c) => c.status !== 'passed')
        .map((c) => `  ${c.cell}: ${c.status} ${c.anomalies.join(', ')} ${c.detail ?? ''}`)
        .join('\n'),
  );
  return false;
}

async function run(
  mutants: readonly Mutant[],
  o: { seed: number; profile: Profile | undefined; timeoutMs: number; baseline: boolean; ownEnv: boolean; everyRun: boolean },
): Promise<number> {
  const profileCells: CellRef[] = planMatrix(SCENARIOS, { profile: o.profile ?? 'ci' }).map((c) => ({
    scenario: c.scenario.name,
    configuration: c.configuration,
  }));
  const startedAt = new Date().toISOString();
  const outDir = join(PROJECT_ROOT, 'reports', `mutants-${startedAt.replace(/[:.]/g, '-').slice(0, 19)}`);
  mkdirSync(outDir, { recursive: true });
  let aborted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (aborted) process.exit(130); // a second signal: stop waiting for the clean-up
    aborted = true;
    console.log(`\n${sig}: stopping the running scenario, then taking its environment down and removing the scratch copy…`);
    void stopCurrentChild();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tc = createTypeChecker(PROJECT_ROOT);
  const results: MutantResult[] = [];
  const shared: EnvTarget | undefined = o.ownEnv
    ? undefined
    : { cwd: PROJECT_ROOT, runDir: join(PROJECT_ROOT, '.faultline-mutants'), env: process.env, logFile: join(outDir, 'env.log') };
  const common: Omit<Common, 'outDir'> = {
    root: PROJECT_ROOT,
    seed: o.seed,
    typeChecker: tc,
    scenarioTimeoutMs: o.timeoutMs,
    env: process.env,
    aborted: () => aborted,
    log: (l: string) => console.log(l),
    ...(shared ? { sharedRunDir: shared.runDir } : {}),
  };
  const write = () => {
    const r = { startedAt, finishedAt: new Date().toISOString(), seed: o.seed, profile: o.profile ?? null, everyRun: o.everyRun, results };
    writeFileSync(join(outDir, 'mutants.json'), renderMutantsJson(r));
    writeFileSync(join(outDir, 'mutants.md'), renderMutantsMarkdown(r));
  };
  try {
    if (shared) {
      console.log(`environment up (shared by every mutant; state in ${shared.runDir})`);
      if (!(await sharedInfraUp(shared, () => aborted))) return 1;
    }
    if (
      o.baseline &&
      !(await baselinePasses(mutants, profileCells, o.profile !== undefined, { ...common, outDir: join(outDir, 'baseline') }))
    )
      return 1;
    for (const [i, m] of mutants.entries()) {
      if (aborted) break;
      const cells = cellsFor(m, profileCells, o.profile !== undefined);
      console.log(`\n(${i + 1}/${mutants.length}) ${m.id}: ${m.description}\n  runs: ${cells.map(cellLabel).join(', ')}`);
      const r = await runMutant(m, { ...common, cells, outDir: join(outDir, m.id), ...(o.everyRun ? { stopOnKill: false } : {}) });
      results.push(r);
      console.log(`  => ${r.status.toUpperCase()} in ${(r.wallMs / 1000).toFixed(0)} s${r.detail ? `: ${r.detail}` : ''}`);
      write();
    }
  } finally {
    if (shared) {
      const down = await infraDown(shared);
      console.log(down.exitCode === 0 ? 'environment down' : `warning: environment down exited ${down.exitCode}; see ${shared.logFile}`);
    }
    write();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  console.log(`\n${renderMutantsTable(results)}\n\nreports: ${join(outDir, 'mutants.md')}, mutants.json`);
  if (aborted) return 130;
  return allKilled(results) && results.length === mutants.length ? 0 : 1;
}

async function generated(flags: Flags<typeof FLAGS>): Promise<number> {
  for (const f of ['profile', 'check', 'baseline', 'own-env', 'every-run'] as const)
    if (flags[f] !== undefined) throw new UsageError(`--${f} is for the hand-written set, not --generated`, USAGE);
  let shard: { index: number; count: number } | undefined;
  try {
    shard = typeof flags.shard === 'string' ? parseShard(flags.shard) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  return runCampaign({
    seed: flags.seed ?? 1,
    ...(flags.sample !== undefined ? { sample: flags.sample } : {}),
    ...(typeof flags.files === 'string' ? { files: flags.files } : {}),
    ...(shard ? { shard } : {}),
    ...(typeof flags.only === 'string' ? { ids: flags.only.split(',').filter(Boolean) } : {}),
    scenarioTimeoutMs: (flags['scenario-timeout'] ?? 900) * 1000,
    refreshCoverage: flags['refresh-coverage'] === true,
    listOnly: flags.list === true,
  });
}

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`, USAGE);
  if (flags.generated) return generated(flags);
  for (const f of ['sample', 'files', 'shard', 'refresh-coverage'] as const)
    if (flags[f] !== undefined) throw new UsageError(`--${f} goes with --generated`, USAGE);
  const all = loadMutants(
    MUTANTS_DIR,
    SCENARIOS.map((s) => s.name),
  );
  const only = typeof flags.only === 'string' ? flags.only.split(',').filter(Boolean) : undefined;
  let mutants: Mutant[];
  try {
    mutants = selectMutants(all, only);
  } catch (err) {
    throw new UsageError((err as Error).message, USAGE);
  }
  if (flags.list) {
    for (const m of mutants)
      console.log(`  ${m.id.padEnd(48)} ${[...new Set(m.edits.map((e) => e.file))].join(', ')}\n      ${m.description}`);
    return 0;
  }
  if (flags.check) return check(mutants);
  return run(mutants, {
    seed: flags.seed ?? 1,
    profile: flags.profile,
    timeoutMs: (flags['scenario-timeout'] ?? 900) * 1000,
    baseline: flags.baseline === true,
    ownEnv: flags['own-env'] === true,
    everyRun: flags['every-run'] === true,
  });
});
