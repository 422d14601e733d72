// `npm run bench`: brings the environment up if needed, records the durability settings it runs
// with, then runs each phase on a wiped system (its processes CPU-profiled) and collects figures
// next to their raw baselines. A failing phase is recorded, the others run.
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { chooseProviderName, getProvider } from '../environment/selectProvider.ts';
import { hasBinlog } from '../environment/binlog.ts';
import { readState, writeState } from '../environment/state.ts';
import { basePortFromEnv } from '../environment/ports.ts';
import { stopSystem } from '../environment/system.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { readDurability } from './durability.ts';
import { clientsPhase } from './clients/clientsPhase.ts';
import { cpuPhase } from './cpuPhase.ts';
import { e2ePhase } from './e2ePhase.ts';
import { envUpPhase } from './envUpPhase.ts';
import { FULL, QUICK, type PhaseName, type PhaseResult } from './phase.ts';
import { listProfiles, profileEnv } from './profiles.ts';
import { summarizeProfiles } from './profileSummary.ts';
import { projectorPhase } from './projectorPhase.ts';
import { recoveryPhase } from './recoveryPhase.ts';
import { relayPhase } from './relayPhase.ts';
import type { BenchReport } from './report.ts';
import { freshSystem, type Log, type Running } from './systemControl.ts';
import { writePhase } from './writePhase.ts';

async function ensureInfra(log: Log): Promise<EnvAddresses> {
  const name = readState()?.provider ?? (await chooseProviderName());
  const provider = await getProvider(name);
  const healthy = readState() !== undefined && (await provider.status()).every((c) => c.healthy);
  if (healthy) return readState()!;
  log(`environment not up: starting it (${name})`);
  // No phase publishes through cdc: a new environment has no binary log; one that had it keeps it
  // (the report's durability says which, read from the server).
  const state = readState();
  const addr = await provider.up({
    brokers: state?.kafka.brokers ?? 1,
    binlog: state ? hasBinlog(state) : false,
    onProgress: (l) => log(`  [env] ${l}`),
  });
  writeState(addr);
  return addr;
}

export interface BenchOptions {
  quick: boolean;
  only: PhaseName[];
  log: Log;
  /** Where each phase's CPU profiles go (`<dir>/<phase>/`); none when absent. */
  profileDir?: string;
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const sizes = o.quick ? QUICK : FULL;
  const addr = await ensureInfra(o.log);
  const phases: BenchReport['phases'] = {};
  const profiles: NonNullable<BenchReport['profiles']>['files'] = {};
  const summaries: NonNullable<BenchReport['profiles']>['summaries'] = {};
  let maxRate: number | undefined;

  const run = async (name: PhaseName, fn: () => Promise<PhaseResult>) => {
    if (!o.only.includes(name)) return;
    o.log(`phase ${name}`);
    try {
      phases[name] = await fn();
    } catch (err) {
      phases[name] = { error: err instanceof Error ? err.message : String(err) };
      o.log(`  FAILED: ${phases[name].error}`);
    }
  };
  /** A wiped, started system for one phase; stopped gracefully afterwards so its profiles are written. */
  const withSystem = (name: PhaseName, fn: (env: Running) => Promise<PhaseResult>) =>
    run(name, async () => {
      const dir = o.profileDir ? join(o.profileDir, name) : undefined;
      const window = { fromMs: 0, toMs: 0 };
      try {
        const env = await freshSystem(addr, o.log, dir ? profileEnv(dir) : {});
        window.fromMs = Date.now();
        return await fn(env);
      } finally {
        window.toMs = Date.now();
        await stopSystem();
        if (dir) {
          profiles[name] = listProfiles(dir);
          // The phase's own work: start-up (module loading) and shutdown left out.
          summaries[name] = summarizeProfiles(dir, profiles[name], window.fromMs > 0 ? { window } : {});
        }
      }
    });
  await withSystem('write', async (env) => {
    const r = await writePhase(env, sizes, o.log);
    maxRate = r.maxRate;
    return r;
  });
  await withSystem('relay', (env) => relayPhase(env, sizes, o.log));
  await withSystem('projector', (env) => projectorPhase(env, sizes, o.log));
  await withSystem('e2e', (env) => e2ePhase(env, sizes, maxRate, o.log));
  await withSystem('cpu', (env) => cpuPhase(env, sizes, maxRate, o.profileDir !== undefined, o.log));
  await withSystem('recovery', (env) => recoveryPhase(env, sizes, o.log));
  await run('env-up', () => envUpPhase(o.log));
  // Clients only, on the brokers: no system process runs, none is wiped.
  await run('clients', () => clientsPhase(addr, sizes, o.log));

  const cpu = cpus();
  // Read once the phases ran: a fresh environment has no topic until the system first starts.
  const durability = await readDurability(addr).catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: o.quick,
    sizes,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 2 ** 30),
      platform: process.platform,
      node: process.version,
    },
    environment: { provider: addr.provider, basePort: basePortFromEnv(), brokers: addr.kafka.brokers },
    durability,
    ...(o.profileDir ? { profiles: { dir: o.profileDir, files: profiles, summaries } } : {}),
    figures: Object.values(phases).flatMap((p) => (p && 'figures' in p ? p.figures : [])),
    phases,
  };
}
