// `npm run load -- [--rate N] [--duration S] [--connections C] [--json]`: autocannon against the
// command API through its client proxy (env.system.commandService), at a target rate or at max.
import { requireState } from '../environment/state.ts';
import { runLoad } from '../load/runLoad.ts';
import { formatLoadResult } from '../load/summary.ts';
import { parseArgs, runCli, UsageError, type Flags } from './args.ts';
import { SCENARIOS } from '../catalog/scenarios.ts';
import { planMatrix } from '../runner/matrix.ts';
import { runSuite } from '../runner/suite.ts';
import { checkScenarioNames, COMMON_FLAGS, resultLine, summaryTable } from './suiteCli.ts';

async function loadDuringScenario(name: string, flags: Flags<typeof FLAGS>): Promise<number> {
  checkScenarioNames([name], USAGE);
  const cells = planMatrix(SCENARIOS, {
    profile: 'ci',
    only: [name],
    publish: flags.publish ?? 'outbox',
    consume: flags.consume ?? 'effectively-once',
  });
  if (cells.length === 0) throw new UsageError(`${name} does not run in that configuration`, USAGE);
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const load = {
    durationS: flags.duration ?? 10,
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
  };
  const { results, dir } = await runSuite(cells, {
    seed,
    load,
    shrinkBudgetMs: 0,
    log: (l) => console.log(l),
    onResult: (r) => console.log(resultLine(r)),
  });
  const r = results[0]!;
  console.log(`\n${summaryTable(results)}\n`);
  if (r.load) console.log(formatLoadResult(r.load));
  console.log(`reports: ${dir}`);
  return r.ok ? 0 : 1;
}

const USAGE = `usage: npm run load -- [--rate N] [--duration S] [--connections C] [--json]
                         [--scenario NAME [--publish P] [--consume C] [--seed N]]
  --rate N          requests/s over all connections (default: as fast as it answers)
                    (autocannon spends each second's quota as fast as it can, then waits)
  --duration S      seconds, 1..3600 (default 10)
  --connections C   1..256 (default 8: the command service's DB pool)
  --json            print the result as JSON only
  --scenario NAME   run that scenario (faults, tracked workload, checkers, reports) with this load
                    going on during it; the load's histogram and errors go into its report
Each request registers a new user (own id and Idempotency-Key). Needs \`npm run env -- up\`.`;

const FLAGS = {
  rate: { kind: 'int', min: 1, max: 100_000 },
  duration: { kind: 'int', min: 1, max: 3600 },
  connections: { kind: 'int', min: 1, max: 256 },
  json: { kind: 'bool' },
  scenario: { kind: 'string' },
  publish: COMMON_FLAGS.publish,
  consume: COMMON_FLAGS.consume,
  seed: COMMON_FLAGS.seed,
} as const;

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`, USAGE);
  if (typeof flags.scenario === 'string') return loadDuringScenario(flags.scenario, flags);
  if (flags.publish || flags.consume || flags.seed !== undefined)
    throw new UsageError('--publish, --consume and --seed go with --scenario', USAGE);
  const url = requireState().system?.commandService;
  if (!url) throw new Error('the system is not running: `npm run env -- up` (without --infra-only)');
  const result = await runLoad({
    url,
    durationS: flags.duration ?? 10,
    connections: flags.connections ?? 8,
    ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
  });
  console.log(flags.json ? JSON.stringify(result, null, 2) : `${formatLoadResult(result)}\n${JSON.stringify(result)}`);
  return 0;
});
