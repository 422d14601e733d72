// `npm run load -- [--rate N] [--duration S] [--connections C] [--json]`: autocannon against the
// command API through its client proxy (env.system.commandService), at a target rate or at max.
import { requireState } from '../environment/state.ts';
import { runLoad } from '../load/runLoad.ts';
import { formatLoadResult } from '../load/summary.ts';
import { parseArgs, runCli, UsageError } from './args.ts';

const USAGE = `usage: npm run load -- [--rate N] [--duration S] [--connections C] [--json]
  --rate N          requests/s over all connections (default: as fast as it answers)
                    (autocannon spends each second's quota as fast as it can, then waits)
  --duration S      seconds, 1..3600 (default 10)
  --connections C   1..256 (default 8: the command service's DB pool)
  --json            print the result as JSON only
Each request registers a new user (own id and Idempotency-Key). Needs \`npm run env -- up\`.`;

const FLAGS = {
  rate: { kind: 'int', min: 1, max: 100_000 },
  duration: { kind: 'int', min: 1, max: 3600 },
  connections: { kind: 'int', min: 1, max: 256 },
  json: { kind: 'bool' },
  help: { kind: 'bool' },
} as const;

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`, USAGE);
  const url = requireState().system?.commandService;
  if (!url) throw new Error('the system is not running: `npm run env -- up` (without --infra-only)');
  const result = await runLoad({
    url,
    durationS: (flags.duration as number | undefined) ?? 10,
    connections: (flags.connections as number | undefined) ?? 8,
    ...(flags.rate !== undefined ? { rate: flags.rate as number } : {}),
  });
  console.log(flags.json ? JSON.stringify(result, null, 2) : `${formatLoadResult(result)}\n${JSON.stringify(result)}`);
  return 0;
});
