// Global setup of the containers test tier: one environment on the testcontainers provider (own
// run dir, FAULTLINE_BASE_PORT as given) for the provider-independent environment tests, taken
// down at the end. The lifecycle spec brings up and takes down its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function setup(): Promise<() => Promise<void>> {
  // Inherited by the test workers, which read the environment's addresses from this run dir.
  const ownRunDir = process.env.FAULTLINE_RUN_DIR === undefined;
  process.env.FAULTLINE_RUN_DIR ??= mkdtempSync(join(tmpdir(), 'faultline-containers-'));
  const { getTestcontainersProvider } = await import('./testcontainersProvider.ts');
  const { clearState, writeState } = await import('../state.ts');
  const provider = getTestcontainersProvider();
  let addr: Awaited<ReturnType<typeof provider.up>>;
  try {
    addr = await provider.up({ brokers: 1, onProgress: (l) => console.log(`[containers tier] ${l}`) });
  } catch (err) {
    // Vitest skips the teardown of a setup that threw: what was started (containers, the engine's
    // API service) must not outlive the failed tier and hold its ports.
    await provider.down().catch((e: Error) => console.error(`[containers tier] clean-up after a failed up: ${e.message}`));
    if (ownRunDir) rmSync(process.env.FAULTLINE_RUN_DIR!, { recursive: true, force: true });
    throw err;
  }
  writeState(addr);
  // The system's integration tests find their servers through these (else the repo's own env.json).
  const server = (db: 'commands' | 'queries') => {
    const d = addr.mariadb[db];
    return `mysql://${encodeURIComponent(d.admin.user)}:${encodeURIComponent(d.admin.password)}@${d.host}:${d.port}/`;
  };
  process.env.FAULTLINE_IT_KAFKA = addr.kafka.internal.join(',');
  process.env.FAULTLINE_IT_COMMANDS_URL = server('commands');
  process.env.FAULTLINE_IT_QUERIES_URL = server('queries');
  process.env.FAULTLINE_COMMANDS_DB_ADMIN_URL = server('commands').replace(/\/$/, ''); // the command service's own spec
  process.env.FAULTLINE_KAFKA_BROKERS = addr.kafka.internal.join(',');
  return async () => {
    // Scenario specs leave the system's processes running, as `npm run scenario -- --keep-env` does.
    const { stopSystem } = await import('../system.ts');
    await stopSystem();
    await provider.down();
    clearState();
    if (ownRunDir) rmSync(process.env.FAULTLINE_RUN_DIR!, { recursive: true, force: true });
  };
}
