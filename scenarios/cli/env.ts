// `npm run env -- up|down|status`: the environment alone, for debugging and for the tests.
import { PUBLISH_MODES } from '../../system/shared/modes.ts';
import { SYSTEM_RUNTIMES } from '../environment/containers/systemContainers.ts';
import { chooseProviderName, getProvider, PROVIDERS } from '../environment/selectProvider.ts';
import { clearState, readState, writeState } from '../environment/state.ts';
import type { ComponentStatus, EnvAddresses } from '../environment/types.ts';
import { binlogChange, hasBinlog } from '../environment/binlog.ts';
import { parseArgs, runCli, UsageError } from './args.ts';
import { binlogFromFlags } from './envFlags.ts';
import { systemRows } from './envText.ts';

const USAGE = `usage: npm run env -- <up|down|status|restart> [flags]
  up      start what is missing, wait until it is really ready, print every address
          --provider local|testcontainers|external   (default: testcontainers if a Docker engine answers, else local)
          --brokers 1|3                              (default 1; 3 = RF 3, min ISR 2)
          --infra-only                               do not start the system's four processes
          --binlog                                   commands with its binary log (ROW, GTID, sync_binlog=1), what the
                                                     cdc modes read; implied by --publish cdc|cdc-eos. Switching it on
                                                     a running environment restarts commands alone (data kept) and
                                                     stops the system's processes
          --no-binlog                                commands without it. Neither flag: a running environment keeps
                                                     its setting, a new one has none
          --publish outbox|dual-write|cdc|cdc-eos    who publishes the events (default outbox: the relay;
                                                     cdc/cdc-eos: Debezium on a Kafka Connect worker)
          --system host|containers                   the processes as host processes (default) or as
                                                     containers of the system image (needs --provider testcontainers)
          --quiet                                    print nothing but errors
  down    stop everything the environment started and delete its data
  status  a table of every component; exit 0 only if all are healthy
          --json                                     machine-readable
  restart <target>  start one process again (stopped first if it runs) and wait until it is ready:
          a system process or instance (command-service, relay, projector#2, query-api), the
          Kafka Connect worker (connect) or a server (kafka, kafka-2, commands-db, queries-db);
          see \`status\` for what runs
environment: FAULTLINE_BASE_PORT (default 19000) moves every port; FAULTLINE_CACHE, FAULTLINE_RUN_DIR;
             FAULTLINE_PROVIDER and FAULTLINE_SYSTEM are the defaults of --provider and --system`;

const FLAGS = {
  provider: { kind: 'string', values: PROVIDERS },
  brokers: { kind: 'int', min: 1, max: 3 },
  'infra-only': { kind: 'bool' },
  binlog: { kind: 'bool' },
  'no-binlog': { kind: 'bool' },
  system: { kind: 'string', values: SYSTEM_RUNTIMES },
  publish: { kind: 'string', values: PUBLISH_MODES },
  quiet: { kind: 'bool' },
  json: { kind: 'bool' },
} as const;

function printAddresses(a: EnvAddresses): void {
  const rows: [string, string][] = [
    ['provider', a.provider],
    ['toxiproxy api', a.toxiproxy.api],
    ['kafka (direct, harness only)', a.kafka.internal.join(',')],
    ['mariadb commands (direct)', `${a.mariadb.commands.host}:${a.mariadb.commands.port}`],
    ['mariadb commands binary log', hasBinlog(a) ? 'on (ROW, GTID, sync_binlog=1)' : 'off (--binlog turns it on)'],
    ['mariadb queries (direct)', `${a.mariadb.queries.host}:${a.mariadb.queries.port}`],
    ...Object.values(a.links)
      .flat()
      .map((p): [string, string] => [`proxy ${p.name}`, `${p.listen} → ${p.upstream}`]),
    ...systemRows(a.system),
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}

/** `restart <target>`: through the provider's own process control, as a fault's restart is. */
async function restartTarget(target: string | undefined, log: (line: string) => void): Promise<number> {
  const state = readState();
  if (!state) throw new UsageError('no environment is up here (run `npm run env -- up` first)', USAGE);
  const control = (await getProvider(state.provider)).control;
  const targets = await control.targets();
  if (target === undefined || !targets.includes(target)) {
    throw new UsageError(
      `${target === undefined ? 'restart needs a target' : `unknown target ${target}`}; this environment has: ${targets.join(', ')}`,
      USAGE,
    );
  }
  const started = Date.now();
  const before = await control.identity(target);
  await control.restart(target);
  const after = await control.identity(target);
  log(`[env] ${target} restarted in ${((Date.now() - started) / 1000).toFixed(1)} s (${before ?? 'not running'} → ${after ?? '?'})`);
  return 0;
}

function printStatus(rows: ComponentStatus[]): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    console.log(
      `  ${r.healthy ? 'ok  ' : 'DOWN'}  ${r.name.padEnd(w)}  ${String(r.pid ?? '').padStart(7)}  ${r.address ?? ''}${r.detail ? `  (${r.detail})` : ''}`,
    );
  }
}

runCli(async () => {
  const { positional, flags } = parseArgs(process.argv.slice(2), FLAGS, USAGE);
  const [cmd, ...rest] = positional;
  if (cmd === 'restart' && rest.length <= 1) return restartTarget(rest[0], (l) => flags.quiet === true || console.log(l));
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`, USAGE);
  const quiet = flags.quiet === true;
  const log = (line: string) => quiet || console.log(line);

  if (cmd === 'up') {
    const started = Date.now();
    const name = await chooseProviderName(flags.provider);
    if (flags.system && flags['infra-only']) throw new UsageError('--system starts the processes: it cannot go with --infra-only', USAGE);
    if (flags.publish && flags['infra-only']) throw new UsageError('--publish starts the processes: it cannot go with --infra-only', USAGE);
    const provider = await getProvider(name);
    const state = readState();
    const brokers = flags.brokers ?? state?.kafka.brokers ?? 1;
    const binlog = binlogFromFlags(flags, state ? hasBinlog(state) : undefined);
    if (typeof binlog === 'string') throw new UsageError(binlog, USAGE);
    const switching =
      state !== undefined && state.provider === name && state.kafka.brokers === brokers && binlogChange(state, binlog) !== 'keep';
    let addr = switching
      ? await (await import('../environment/binlogSwitch.ts')).switchBinlog(state, binlog, log)
      : await provider.up({ brokers, binlog, onProgress: (l) => log(`[env] ${l}`) });
    writeState(addr);
    if (!flags['infra-only']) {
      const { startSystem } = await import('../environment/system.ts');
      const runtime = flags.system;
      const publishMode = flags.publish;
      addr = await startSystem(addr, {
        onProgress: (l) => log(`[env] ${l}`),
        ...(runtime ? { runtime } : {}),
        ...(publishMode ? { publishMode } : {}),
      });
      writeState(addr);
    }
    log(`[env] up in ${((Date.now() - started) / 1000).toFixed(1)} s (${name}):`);
    if (!quiet) printAddresses(addr);
    return 0;
  }
  if (cmd === 'down') {
    const name = readState()?.provider ?? (await chooseProviderName(flags.provider));
    const { stopSystem } = await import('../environment/system.ts');
    await stopSystem();
    await (await getProvider(name)).down();
    clearState();
    log(`[env] down (${name}): every process stopped, data removed`);
    return 0;
  }
  if (cmd === 'status') {
    const name = readState()?.provider ?? (await chooseProviderName(flags.provider));
    const rows = await (await getProvider(name)).status();
    const { systemStatus } = await import('../environment/system.ts');
    rows.push(...(await systemStatus()));
    const healthy = rows.every((r) => r.healthy);
    if (flags.json) console.log(JSON.stringify({ provider: name, healthy, components: rows }, null, 2));
    else {
      console.log(`environment (${name}): ${healthy ? 'healthy' : 'NOT healthy'}`);
      printStatus(rows);
    }
    return healthy ? 0 : 1;
  }
  throw new UsageError(cmd ? `unknown command ${cmd}` : 'missing command', USAGE);
});
