// Brings the environment up when it is not already running (reused when healthy), and undoes
// every network fault in an emergency.
import { Toxiproxy } from 'toxiproxy-node-client';
import { chooseProviderName, getProvider } from '../environment/selectProvider.ts';
import { readState, writeState } from '../environment/state.ts';
import type { EnvAddresses } from '../environment/types.ts';

export async function environmentUp(log: (l: string) => void, brokers: number): Promise<{ env: EnvAddresses; broughtUp: boolean }> {
  const existing = readState();
  if (existing) {
    const healthy = (await (await getProvider(existing.provider)).status()).every((c) => c.healthy);
    if (healthy) {
      log(`[env] reusing the running ${existing.provider} environment`);
      return { env: existing, broughtUp: false };
    }
  }
  const provider = await getProvider(existing?.provider ?? (await chooseProviderName()));
  const t0 = Date.now();
  const env = await provider.up({ brokers, onProgress: (l) => log(`[env] ${l}`) });
  writeState(env);
  log(`[env] up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { env, broughtUp: true };
}

/** Undo every network fault: clear all toxics and re-enable every proxy. */
export async function emergencyHeal(env: EnvAddresses | undefined): Promise<void> {
  if (!env) return;
  await new Toxiproxy(env.toxiproxy.api).reset().catch(() => undefined);
}
