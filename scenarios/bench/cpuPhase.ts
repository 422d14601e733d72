// CPU per event: CPU-seconds (user + system, from /proc) that every process of the environment
// spends per 1,000 commands carried end to end — accepted by the command service, published by
// the relay, applied by the projector — at half the measured maximum rate, evenly paced, against
// the CPU the raw transaction of the same shape costs (its MariaDB server plus the client issuing
// it). On 2 cores this is what bounds the running write path and e2e latency. Where each Node
// process spends it: the phase's CPU profiles (the databases, brokers and Toxiproxy are not
// profiled). With profiles on, the Node processes pay the profiler's own overhead too.
import { hostPids } from '../environment/hostPids.ts';
import { cpuDelta, cpuSeconds } from '../environment/processCpu.ts';
import { SYSTEM_PROCESSES } from '../environment/system.ts';
import { figure, type Figure } from './goals.ts';
import { pacedLoad } from './pacedLoad.ts';
import { halfMaxRate } from './halfMaxRate.ts';
import type { PhaseResult, Sizes } from './phase.ts';
import { dropSchema, rawWriteBaseline, RAW_COMMANDS_SCHEMA } from './rawWrite.ts';
import { per1000, round } from './stats.ts';
import { adminConnection, countRows, readMetric, waitUntil, type Log, type Running } from './systemControl.ts';

const APPLIED = 'faultline_projector_applied_total';

const total = (cpu: Readonly<Record<string, number>>) => Object.values(cpu).reduce((a, b) => a + b, 0);

/** The bench process's own user + system CPU-seconds so far. */
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The raw transaction's own CPU: its server and the client issuing it, nothing else. */
async function rawTransactionCpu(env: Running, s: Sizes, pids: Record<string, number>, log: Log) {
  const dbPid = pids['mariadb-commands'];
  if (dbPid === undefined) throw new Error('the commands server has no pid on this host');
  const rawBefore = { db: cpuSeconds({ db: dbPid }).db ?? 0, client: ownCpu() };
  const raw = await rawWriteBaseline(env, { connections: s.connections, durationMs: s.writeSeconds * 1000 });
  const rawCpu = { 'mariadb-commands': (cpuSeconds({ db: dbPid }).db ?? 0) - rawBefore.db, client: ownCpu() - rawBefore.client };
  await dropSchema(env, 'commands', RAW_COMMANDS_SCHEMA);
  const rawPer1000 = per1000(rawCpu, raw.transactions);
  log(
    `  raw transaction CPU-s per 1000: mariadb-commands ${rawPer1000['mariadb-commands']!.toFixed(3)}, client ${rawPer1000.client!.toFixed(3)}`,
  );
  return { raw, rawCpu, rawPer1000 };
}

export async function cpuPhase(env: Running, s: Sizes, maxRate: number | undefined, profiled: boolean, log: Log): Promise<PhaseResult> {
  const found = hostPids(env, SYSTEM_PROCESSES);
  if ('unknown' in found) return { figures: [], breakdown: {}, notes: [`not measured: ${found.unknown}`] };
  const pids = found.pids;
  const notes: string[] = [];
  const { rate, max } = await halfMaxRate(env, s, maxRate, notes);
  const commands = await adminConnection(env, 'commands', 'commands');
  try {
    // Whatever the probe wrote is carried through before the clock starts.
    const written = await countRows(commands, 'SELECT COUNT(*) AS n FROM outbox');
    const caughtUp = async () => (await readMetric(env.system.projector, APPLIED)) >= written;
    await waitUntil('projector caught up before the measurement', caughtUp, { timeoutMs: 60_000, intervalMs: 100 });
    const appliedBefore = await readMetric(env.system.projector, APPLIED);
    const before = cpuSeconds(pids);
    const clientBefore = ownCpu();
    const t0 = performance.now();
    const load = await pacedLoad({
      url: env.system.commandService,
      rate,
      durationS: s.e2eSeconds,
      connections: s.connections,
      onAccepted: () => {},
    });
    await waitUntil(
      'every accepted command applied',
      async () => (await readMetric(env.system.projector, APPLIED)) - appliedBefore >= load.accepted,
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    const wallMs = performance.now() - t0;
    const system = cpuDelta(before, cpuSeconds(pids));
    const loadClient = ownCpu() - clientBefore;
    if (load.failed) notes.push(`${load.failed} of ${load.sent} commands were not accepted`);
    const perProcess = per1000(system, load.accepted);
    log(
      `  CPU-s per 1000 commands at ${rate}/s: ${Object.entries(perProcess)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ')}; total ${total(perProcess).toFixed(3)}`,
    );

    const { raw, rawCpu, rawPer1000 } = await rawTransactionCpu(env, s, pids, log);

    const figures: Figure[] = [
      figure({
        name: 'CPU per 1000 commands, end to end',
        value: total(perProcess),
        unit: 'CPU-s',
        baseline: { name: 'raw tx: its server + client', value: total(rawPer1000) },
        ...(profiled ? { note: 'with CPU profiles on: the Node processes pay the profiler too' } : {}),
      }),
      ...Object.entries(perProcess)
        .sort(([, a], [, b]) => b - a)
        .map(([name, v]) => figure({ name: `  CPU per 1000 commands: ${name}`, value: v, unit: 'CPU-s' })),
    ];
    return {
      figures,
      breakdown: {
        rate,
        maxRate: max,
        load,
        wallMs,
        profiled,
        // Of every process: CPU-s over the whole measurement, and per 1,000 accepted commands.
        cpuSeconds: Object.fromEntries(Object.entries(system).map(([k, v]) => [k, round(v)])),
        per1000Commands: Object.fromEntries(Object.entries(perProcess).map(([k, v]) => [k, round(v)])),
        per1000CommandsTotal: round(total(perProcess)),
        // The load generator (this process) is not part of the system: reported, not counted.
        loadClientPer1000: round((loadClient / Math.max(1, load.accepted)) * 1000),
        cpuCoresBusy: round(total(system) / (wallMs / 1000)),
        raw: { transactions: raw.transactions, perSecond: raw.perSecond, cpuSeconds: rawCpu, per1000: rawPer1000 },
      },
      notes,
    };
  } finally {
    await commands.end();
  }
}
