// Brings the environment up when it is not already running (reused when healthy and of the
// broker count asked for; taken down and brought up again with that count otherwise), with
// `commands`' binary log as the cells need it (switched by restarting that one server), and undoes
// every network fault in an emergency.
import { Toxiproxy } from 'toxiproxy-node-client';
import { binlogChange } from '../environment/binlog.ts';
import { switchBinlog } from '../environment/binlogSwitch.ts';
import { chooseProviderName, getProvider, type ProviderName } from '../environment/selectProvider.ts';
import { clearState, readState, writeState } from '../environment/state.ts';
import { stopSystem } from '../environment/system.ts';
import type { EnvAddresses } from '../environment/types.ts';

/** What the cells need of the environment. */
export interface EnvironmentNeeds {
  brokers: number;
  /** `commands` with its binary log (the cdc publish modes). */
  binlog: boolean;
}

export async function environmentUp(
  log: (l: string) => void,
  needs: EnvironmentNeeds,
  provider?: ProviderName,
): Promise<{ env: EnvAddresses; broughtUp: boolean; replaced?: boolean }> {
  const { brokers, binlog } = needs;
  const existing = readState();
  if (existing && existing.kafka.brokers !== brokers) {
    log(`[env] the running environment has ${existing.kafka.brokers} broker(s); taking it down to bring up ${brokers}`);
    await stopSystem();
    await (await getProvider(existing.provider)).down();
    clearState();
    return { ...(await bringUp(existing.provider, needs, log)), replaced: true };
  } else if (existing) {
    const change = binlogChange(existing, binlog);
    if (typeof change === 'object') throw new Error(change.refused);
    const healthy = (await (await getProvider(existing.provider)).status()).every((c) => c.healthy);
    if (healthy) {
      if (change === 'keep') {
        log(`[env] reusing the running ${existing.provider} environment`);
        return { env: existing, broughtUp: false };
      }
      return { env: await switchBinlog(existing, binlog, log), broughtUp: false };
    }
  }
  return bringUp(existing?.provider ?? (await chooseProviderName(provider)), needs, log);
}

async function bringUp(
  name: EnvAddresses['provider'],
  needs: EnvironmentNeeds,
  log: (l: string) => void,
): Promise<{ env: EnvAddresses; broughtUp: boolean }> {
  const provider = await getProvider(name);
  const t0 = Date.now();
  const env = await provider.up({ brokers: needs.brokers, binlog: needs.binlog, onProgress: (l) => log(`[env] ${l}`) });
  writeState(env);
  log(`[env] up in ${((Date.now() - t0) / 1000).toFixed(1)} s${needs.binlog ? ' (commands with its binary log)' : ''}`);
  return { env, broughtUp: true };
}

/** Undo every network fault: clear all toxics and re-enable every proxy. */
export async function emergencyHeal(env: EnvAddresses | undefined): Promise<void> {
  if (!env) return;
  await new Toxiproxy(env.toxiproxy.api).reset().catch(() => undefined);
}
