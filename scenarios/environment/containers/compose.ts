// `npx tsx scenarios/environment/containers/compose.ts up|down|status`: the system's four
// processes as containers (containers/compose.yaml) against the running environment, with the
// same settings `npm run env -- up` gives the host processes. Needs an environment brought up
// with --infra-only (any provider). Runs Debian's docker-compose (1.29, installed when missing)
// against the podman engine's Docker API: Debian's podman-compose 1.0.3 adds a bridge network
// to every service, which podman refuses for a host-network container.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentCredentials } from '../../../system/shared/credentials.ts';
import { PROJECT_ROOT, runDir } from '../paths.ts';
import { basePortFromEnv } from '../ports.ts';
import { waitFor } from '../local/processes.ts';
import { requireState } from '../state.ts';
import { SYSTEM_PROCESSES, systemSpecs } from '../system.ts';
import { engineEnv, ensureDebianPackages, ensureEngine } from './engine.ts';
import { ensureImages } from './images.ts';

const COMPOSE_FILE = join(PROJECT_ROOT, 'containers', 'compose.yaml');
const envDir = () => join(runDir(), 'compose');
const log = (line: string) => console.log(`[compose] ${line}`);

function compose(args: string[]): void {
  const project = `faultline-${basePortFromEnv()}-system`;
  const res = spawnSync('docker-compose', ['-f', COMPOSE_FILE, '-p', project, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...engineEnv(), FAULTLINE_COMPOSE_ENV: envDir() },
  });
  if (res.status !== 0) throw new Error(`docker-compose ${args.join(' ')} failed (exit ${res.status})`);
}

/** One env file per process: exactly the variables the host processes get (its passwords too: 0600). */
export function writeEnvFiles(specs: ReturnType<typeof systemSpecs>): void {
  mkdirSync(envDir(), { recursive: true, mode: 0o700 });
  for (const p of SYSTEM_PROCESSES) {
    const lines = Object.entries(specs[p].env).map(([k, v]) => `${k}=${v}`);
    writeFileSync(join(envDir(), `${p}.env`), `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(join(envDir(), `${p}.env`), 0o600);
  }
}

async function up(): Promise<void> {
  const addr = requireState();
  const started = Date.now();
  ensureDebianPackages({ 'docker-compose': 'docker-compose' }, log);
  await ensureEngine(log);
  ensureImages(log, ['system']);
  const { migrate } = await import('../../../system/shared/migrate.ts');
  const { ensureTopics } = await import('../../../system/shared/topics.ts');
  for (const db of ['commands', 'queries'] as const) {
    const d = addr.mariadb[db];
    await migrate({
      adminUrl: `mysql://${d.admin.user}:${d.admin.password}@${d.host}:${d.port}/${db}`,
      database: db,
      passwords: environmentCredentials(runDir()).mariadb,
    });
  }
  await ensureTopics({ brokers: addr.kafka.internal, sasl: addr.kafka.sasl, replicationFactor: Math.min(addr.kafka.brokers, 3) });
  const specs = systemSpecs(addr, {});
  writeEnvFiles(specs);
  compose(['up', '-d', '--force-recreate']);
  for (const p of SYSTEM_PROCESSES) {
    await waitFor(
      `${p} (container) ready`,
      async () => (await fetch(`${specs[p].url}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
  }
  log(
    `system containers ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${SYSTEM_PROCESSES.map((p) => `${p} ${specs[p].url}`).join(', ')}`,
  );
}

const cmd = process.argv[2];
if (cmd === 'up') await up();
else if (cmd === 'down') {
  await ensureEngine(log);
  compose(['down']);
} else if (cmd === 'status') compose(['ps']);
else {
  console.error('usage: npx tsx scenarios/environment/containers/compose.ts up|down|status');
  process.exitCode = 2;
}
