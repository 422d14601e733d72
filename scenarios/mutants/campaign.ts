// `npm run mutants -- --generated`: the score on mutants nobody chose. StrykerJS lists every mutant
// of the delivery-critical files; a reproducible sample of them runs, each through the ci runs
// whose processes executed its code (the coverage map), stopping at the first kill.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { planMatrix } from '../runner/matrix.ts';
import { applyEdits } from './apply.ts';
import { renderCampaignJson, renderCampaignText, scoreOf, type CampaignRun, type GeneratedResult } from './campaignReport.ts';
import { stopCurrentChild } from './child.ts';
import { coverageFile, coveringCells, harnessFiles, loadCoverage, recordCoverage, targetsHash, type CoverageMap } from './coverage.ts';
import { infraDown, sharedInfraUp, type EnvTarget } from './environment.ts';
import { loadEquivalents } from './equivalents.ts';
import { instrument, targetFiles, toMutant, type GeneratedMutant } from './generated.ts';
import type { CellRef } from './mutant.ts';
import { runMutant, type RunMutantOptions } from './runMutant.ts';
import { selectGenerated, type SampleOptions } from './sample.ts';
import { createTypeChecker, type TypeChecker } from './typecheck.ts';
import { runUnitTier } from './unitTier.ts';

export const EQUIVALENTS_FILE = join(PROJECT_ROOT, 'fixtures', 'equivalent-mutants.tsv');

export interface CampaignOptions extends SampleOptions {
  scenarioTimeoutMs: number;
  /** Record the coverage map again even when one for this code is stored. */
  refreshCoverage: boolean;
  /** List the selection (and stale equivalents) without running anything. */
  listOnly: boolean;
}

const ciCells = (): CellRef[] =>
  planMatrix(SCENARIOS, { profile: 'ci' }).map((c) => ({ scenario: c.scenario.name, configuration: c.configuration }));

type Common = Omit<RunMutantOptions, 'cells' | 'outDir'>;

async function judge(
  g: GeneratedMutant,
  map: CoverageMap,
  o: { tc: TypeChecker; common: Common; outDir: string },
): Promise<GeneratedResult> {
  const started = Date.now();
  const typeErrors = o.tc.check(applyEdits(toMutant(g), (f) => readFileSync(join(PROJECT_ROOT, f), 'utf8')));
  if (typeErrors.length)
    return { mutant: g, status: 'compile-error', cells: [], wallMs: Date.now() - started, detail: typeErrors.join('\n') };
  const cells = coveringCells(map, g.id, ciCells());
  if (cells.length === 0) return { mutant: g, status: 'no-coverage', cells: [], wallMs: Date.now() - started };
  const r = await runMutant(toMutant(g, cells), { ...o.common, cells, outDir: join(o.outDir, g.id) });
  const result: GeneratedResult = {
    mutant: g,
    status: r.status,
    cells: r.cells,
    wallMs: r.wallMs,
    ...(r.detail ? { detail: r.detail } : {}),
  };
  if (r.status !== 'survived' || o.common.aborted()) return result;
  const files = applyEdits(toMutant(g), (f) => readFileSync(join(PROJECT_ROOT, f), 'utf8'));
  const unit = await runUnitTier(PROJECT_ROOT, g.id, files, { env: o.common.env, logFile: join(o.outDir, g.id, 'unit-tier.log') });
  o.common.log(
    `  unit tier: ${unit.status}${unit.failed.length ? ` (${unit.failed[0]}${unit.failed.length > 1 ? ` and ${unit.failed.length - 1} more` : ''})` : ''}`,
  );
  return { ...result, unit, wallMs: Date.now() - started };
}

/** The target files, their mutants, the equivalents and this campaign's sample of them. */
async function selection(o: CampaignOptions) {
  const files = targetFiles(PROJECT_ROOT);
  const instrumented = await instrument(PROJECT_ROOT, files);
  const equivalents = loadEquivalents(EQUIVALENTS_FILE);
  const known = new Set(instrumented.mutants.map((m) => m.id));
  for (const e of equivalents.values())
    if (!known.has(e.id)) console.log(`warning: equivalent ${e.id} (${e.where}) is no longer generated: remove it`);
  const picked = selectGenerated(instrumented.mutants, o);
  const label = o.ids
    ? `only ${o.ids.join(', ')}`
    : `sample ${o.sample ?? 'all'}, seed ${o.seed}${o.files ? `, files ${o.files}` : ''}${o.shard ? `, shard ${o.shard.index}/${o.shard.count}` : ''}`;
  console.log(`generated: ${instrumented.mutants.length} mutants in ${files.length} files; running ${picked.length} (${label})`);
  return { files, instrumented, equivalents, picked };
}

/** The stored coverage map of this code, or a fresh one recorded by every ci run (stored then). */
async function coverageMap(
  o: CampaignOptions,
  c: {
    files: string[];
    instrumented: Awaited<ReturnType<typeof instrument>>;
    outDir: string;
    env: NodeJS.ProcessEnv;
    sharedRunDir: string;
  },
): Promise<CoverageMap> {
  const hash = targetsHash(PROJECT_ROOT, [...c.files, ...harnessFiles(PROJECT_ROOT)]);
  const stored = o.refreshCoverage ? undefined : loadCoverage(hash, c.env);
  if (stored) {
    console.log(`coverage map: ${coverageFile(hash, c.env)} (recorded ${stored.recordedAt})`);
    return stored;
  }
  console.log(`coverage map: recording it for this code and these scenarios (${hash}): every ci run once on the instrumented system…`);
  const map = await recordCoverage({
    root: PROJECT_ROOT,
    instrumented: c.instrumented,
    hash,
    cells: ciCells(),
    seed: o.seed,
    outDir: join(c.outDir, 'coverage'),
    env: c.env,
    sharedRunDir: c.sharedRunDir,
    scenarioTimeoutMs: o.scenarioTimeoutMs,
    log: (l) => console.log(l),
  });
  console.log(`coverage map stored: ${coverageFile(hash, c.env)}`);
  return map;
}

export async function runCampaign(o: CampaignOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = new Date().toISOString();
  const { files, instrumented, equivalents, picked } = await selection(o);
  if (o.listOnly) {
    for (const g of picked) console.log(`  ${g.id}${equivalents.has(g.id) ? ' (equivalent)' : ''}  ${toMutant(g).description}`);
    return 0;
  }
  const outDir = join(PROJECT_ROOT, 'reports', `mutants-generated-${started.replace(/[:.]/g, '-').slice(0, 19)}`);
  mkdirSync(outDir, { recursive: true });
  let aborted = false;
  const onSignal = () => {
    if (aborted) process.exit(130);
    aborted = true;
    void stopCurrentChild();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const shared: EnvTarget = { cwd: PROJECT_ROOT, runDir: join(PROJECT_ROOT, '.faultline-mutants'), env, logFile: join(outDir, 'env.log') };
  const common: Common = {
    root: PROJECT_ROOT,
    seed: o.seed,
    typeChecker: createTypeChecker(PROJECT_ROOT),
    scenarioTimeoutMs: o.scenarioTimeoutMs,
    env,
    aborted: () => aborted,
    log: (l) => console.log(l),
    sharedRunDir: shared.runDir,
  };
  const results: GeneratedResult[] = [];
  const run = (): CampaignRun => ({
    startedAt: started,
    finishedAt: new Date().toISOString(),
    seed: o.seed,
    sample: o.sample ?? null,
    files: o.files ?? null,
    shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null,
    generated: instrumented.mutants.length,
    results,
  });
  const write = () => {
    writeFileSync(join(outDir, 'generated.json'), renderCampaignJson(run()));
    writeFileSync(join(outDir, 'generated.txt'), renderCampaignText(run()) + '\n');
  };
  try {
    if (!(await sharedInfraUp(shared, () => aborted))) return 1;
    const map = await coverageMap(o, { files, instrumented, outDir, env, sharedRunDir: shared.runDir });
    const tc = createTypeChecker(PROJECT_ROOT);
    for (const [i, g] of picked.entries()) {
      if (aborted) break;
      console.log(`\n(${i + 1}/${picked.length}) ${toMutant(g).description}`);
      const eq = equivalents.get(g.id);
      const r: GeneratedResult = eq
        ? { mutant: g, status: 'equivalent', cells: [], wallMs: 0, detail: eq.why }
        : await judge(g, map, { tc, common, outDir });
      results.push(r);
      console.log(
        `  => ${r.status.toUpperCase()}${r.cells.length ? ` after ${r.cells.length} run(s)` : ''} in ${(r.wallMs / 1000).toFixed(0)} s`,
      );
      write();
    }
  } finally {
    await infraDown(shared);
    write();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  console.log(`\n${renderCampaignText(run())}\n\nreports: ${join(outDir, 'generated.txt')}, generated.json`);
  if (aborted) return 130;
  const s = scoreOf(results);
  return s.killRate !== null && s.killRate >= GENERATED_GOAL ? 0 : 1;
}

/** The gate of a generated campaign: the share of scored mutants killed. */
export const GENERATED_GOAL = 0.9;
