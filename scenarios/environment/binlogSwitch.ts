// Turning the binary log of a running environment on or off: the cheapest correct way is to
// restart `commands` alone with the other setting (its data dir stays); the brokers, `queries` and
// Toxiproxy keep running. What uses `commands` is stopped first, and a Kafka Connect worker's saved
// position is dropped: it points into a log that now has a hole (commits made while it was off), so
// resuming from it would silently skip rows; the next cdc start snapshots the outbox instead.
import { wipeConnect } from './connect/lifecycle.ts';
import { binlogChange } from './binlog.ts';
import { getProvider } from './selectProvider.ts';
import { writeState } from './state.ts';
import { stopSystem } from './system.ts';
import type { EnvAddresses } from './types.ts';

/** `env` with `commands`' binary log as `wanted`: the same addresses when nothing changes; throws a refusal. */
export async function switchBinlog(env: EnvAddresses, wanted: boolean, log: (line: string) => void): Promise<EnvAddresses> {
  const change = binlogChange(env, wanted);
  if (change === 'keep') return env;
  if (change !== 'restart') throw new Error(change.refused);
  log(`[env] commands' binary log ${wanted ? 'on' : 'off'}: stopping the system and restarting commands (its data stays)`);
  const t0 = Date.now();
  await stopSystem();
  const provider = await getProvider(env.provider);
  const next = await provider.up({ brokers: env.kafka.brokers, binlog: wanted, onProgress: (l) => log(`[env] ${l}`) });
  await wipeConnect(next);
  writeState(next);
  log(`[env] binary log ${wanted ? 'on' : 'off'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return next;
}
