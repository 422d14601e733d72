// Which provider runs the environment: the one asked for, else Docker (Testcontainers) when an
// engine really answers (a `docker` client on PATH is not enough), else local processes.
import { getLocalProvider } from './local/localProvider.ts';
import { getExternalProvider } from './external/externalProvider.ts';
import type { EnvironmentProvider } from './types.ts';
import { harnessSettings, PROVIDERS, type ProviderName } from './settings.ts';
import { dockerEngineAnswers } from './dockerPing.ts';

export { dockerEngineAnswers };

export { PROVIDERS, type ProviderName };

export async function chooseProviderName(asked?: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderName> {
  const name = asked ?? harnessSettings(env).provider;
  if (name) {
    if (!(PROVIDERS as readonly string[]).includes(name)) throw new Error(`unknown provider ${name}; use one of: ${PROVIDERS.join(', ')}`);
    return name as ProviderName;
  }
  return (await dockerEngineAnswers(env)) ? 'testcontainers' : 'local';
}

export async function getProvider(name: ProviderName): Promise<EnvironmentProvider> {
  if (name === 'local') return getLocalProvider();
  if (name === 'external') return getExternalProvider();
  // Loaded lazily: the testcontainers packages are heavy and unused on machines without Docker.
  const { getTestcontainersProvider } = await import('./testcontainers/testcontainersProvider.ts');
  return getTestcontainersProvider();
}
