// `npm run bench`: brings the environment up if needed, then runs each phase on a wiped system
// and collects figures next to their raw baselines. A failing phase is recorded, the others run.
import { cpus, totalmem } from 'node:os';
import { chooseProviderName, getProvider } from '../environment/selectProvider.ts';
import { readState, writeState } from '../environment/state.ts';
import { basePortFromEnv } from '../environment/ports.ts';
import type { EnvAddresses } from '../environment/types.ts';
import { e2ePhase } from './e2ePhase.ts';
import { envUpPhase } from './envUpPhase.ts';
import { FULL, QUICK, type PhaseName, type PhaseResult } from './phase.ts';
import { projectorPhase } from './projectorPhase.ts';
import { relayPhase } from './relayPhase.ts';
import type { BenchReport } from './report.ts';
import { freshSystem, type Log } from './systemControl.ts';
import { writePhase } from './writePhase.ts';

async function ensureInfra(log: Log): Promise<EnvAddresses> {
  const name = readState()?.provider ?? (await chooseProviderName());
  const provider = await getProvider(name);
  const healthy = readState() !== undefined && (await provider.status()).every((c) => c.healthy);
  if (healthy) return readState()!;
  log(`environment not up: starting it (${name})`);
  const addr = await provider.up({ brokers: readState()?.kafka.brokers ?? 1, onProgress: (l) => log(`  [env] ${l}`) });
  writeState(addr);
  return addr;
}

export async function runBench(o: { quick: boolean; only: PhaseName[]; log: Log }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const sizes = o.quick ? QUICK : FULL;
  const addr = await ensureInfra(o.log);
  const phases: BenchReport['phases'] = {};
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
  await run('write', async () => {
    const r = await writePhase(await freshSystem(addr, o.log), sizes, o.log);
    maxRate = r.maxRate;
    return r;
  });
  await run('relay', async () => relayPhase(await freshSystem(addr, o.log), sizes, o.log));
  await run('projector', async () => projectorPhase(await freshSystem(addr, o.log), sizes, o.log));
  await run('e2e', async () => e2ePhase(await freshSystem(addr, o.log), sizes, maxRate, o.log));
  await run('env-up', () => envUpPhase(o.log));

  const cpu = cpus();
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: o.quick,
    sizes,
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), platform: process.platform, node: process.version },
    environment: { provider: addr.provider, basePort: basePortFromEnv(), brokers: addr.kafka.brokers },
    figures: Object.values(phases).flatMap((p) => (p && 'figures' in p ? p.figures : [])),
    phases,
  };
}
