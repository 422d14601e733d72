// The environment as containers on a local engine (podman, see ../containers/), started through
// Testcontainers: both MariaDBs with `@testcontainers/mariadb`, Kafka and Toxiproxy as
// GenericContainers. Containers carry a label and outlive the CLI (no Ryuk), so `npm run env --
// up` and `down` work as with the local provider; `up` starts only what is not running.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { credentialsFileOf, type EnvCredentials, environmentCredentials } from '../../../system/shared/credentials.ts';
import type { KafkaSasl } from '../../../system/shared/kafka.ts';
import { createSystemAcls, saslOf } from '../kafkaSecurity.ts';
import { Wait } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ensureEngine, podmanAsync, stopEngine } from '../containers/engine.ts';
import { ensureImages } from '../containers/images.ts';
import { registeredBrokers } from '../local/kafka.ts';
import { type AdminCredentials, adminCredentials, adminCredentialsFile, pingMariadb } from '../local/mariadb.ts';
import { waitFor } from '../local/processes.ts';
import { runDir } from '../paths.ts';
import { basePortFromEnv, portLayout } from '../ports.ts';
import { composeControl } from '../systemControl.ts';
import type { ComponentStatus, EnvAddresses, EnvironmentProvider } from '../types.ts';
import { containerControl, containerState } from './containerControl.ts';
import { LoopbackContainer, LoopbackMariaDbContainer } from './loopbackContainers.ts';
import {
  type ContainerName,
  type ContainerTarget,
  ENV_LABEL,
  kafkaSecurityEnv,
  type TestcontainersPlan,
  testcontainersPlan,
} from './plan.ts';

// The harness's admin is root with this environment's random password (kept in the run dir, as
// the local provider does). The image creates root for any host; an init script (the image's
// contract) narrows it to 127.0.0.1, as the local servers have it. No MARIADB_USER: nothing uses one.
const ROOT_ON_LOOPBACK = "RENAME USER 'root'@'%' TO 'root'@'127.0.0.1';\n";

type Progress = (line: string) => void;

const NO_BINLOG =
  'the testcontainers provider runs commands without a binary log (and has no Kafka Connect): the cdc publish modes need --provider local';

function addressesOf(
  plan: TestcontainersPlan,
  ports: ReturnType<typeof portLayout>,
  admin: AdminCredentials,
  credentials: EnvCredentials,
): EnvAddresses {
  return {
    provider: 'testcontainers',
    toxiproxy: { api: `http://127.0.0.1:${plan.toxiproxy.api}` },
    kafka: {
      brokers: 1,
      internal: [`127.0.0.1:${ports.kafka.internal(0)}`],
      sasl: saslOf(credentials, 'harness'),
      relay: plan.links['relay-kafka'].map((p) => p.listen),
      projector: plan.links['projector-kafka'].map((p) => p.listen),
    },
    mariadb: {
      // Its image runs without a binary log: the cdc modes are local-provider only (no Connect image).
      commands: { host: '127.0.0.1', port: ports.mariadb.commands, database: 'commands', admin: { ...admin }, binlog: false },
      queries: { host: '127.0.0.1', port: ports.mariadb.queries, database: 'queries', admin: { ...admin } },
    },
    links: plan.links,
  };
}

/** A group coordinator answers: on a fresh broker the first lookup creates the offsets topic,
 *  and a consumer that looks while it is being created can give up (as kafkajs does). */
async function coordinatorReady(brokers: string[], sasl: KafkaSasl): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'faultline-env',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    sasl: sasl as SASLOptions,
  }).admin();
  try {
    await admin.connect();
    // Loads the cluster's metadata: without it (and with no retries) the coordinator lookup finds
    // an empty broker pool and fails however long the broker has been up.
    await admin.describeCluster();
    await admin.describeGroups(['faultline-env-warmup']);
    return true;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Creates each container through Testcontainers (used when no container of that name exists). */
function containerStarters(plan: TestcontainersPlan, admin: () => AdminCredentials, credentials: () => EnvCredentials) {
  return {
    // Host network, bound to 127.0.0.1: its proxies are the local provider's, unchanged.
    toxiproxy: () =>
      new LoopbackContainer(plan.toxiproxy.image)
        .withName(plan.names.toxiproxy)
        .withLabels(plan.label)
        .withNetworkMode('host')
        .withCommand(plan.toxiproxy.command)
        .withWaitStrategy(Wait.forLogMessage(/Starting Toxiproxy HTTP server/))
        .start(),

    mariadb: (db: TestcontainersPlan['mariadb'][number]) =>
      new LoopbackMariaDbContainer(db.image)
        .withName(plan.names[db.target])
        .withLabels(plan.label)
        .withDatabase(db.database)
        .withUsername('')
        .withUserPassword('')
        .withRootPassword(admin().password)
        .withNetworkMode('host')
        .withCommand(db.command)
        .withCopyContentToContainer([{ content: ROOT_ON_LOOPBACK, target: '/docker-entrypoint-initdb.d/10-root-on-loopback.sql' }])
        // The module's default (listening-port checks) works too, but polls by exec-ing into the
        // container several times a second; the real server's start line ("port: <its port>",
        // where the initialising one says "port: 0") is a free signal.
        .withWaitStrategy(Wait.forLogMessage(new RegExp(`port: ${db.port}\\s`)))
        .start(),

    // Not @testcontainers/kafka: its KafkaContainer (11.x) fixes the listener set (PLAINTEXT,
    // BROKER, CONTROLLER) and rewrites the advertised listeners at start to its mapped port, so
    // the per-role listeners advertised as Toxiproxy's ports cannot be expressed with it.
    kafka: () =>
      new LoopbackContainer(plan.kafka.image)
        .withName(plan.names.kafka)
        .withLabels(plan.label)
        .withEnvironment({ ...plan.kafka.env, ...kafkaSecurityEnv(credentials()) })
        .withExposedPorts(...plan.kafka.ports)
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(180_000)
        .start(),
  };
}

/** Every container of this environment (by its label), volumes included, then the engine stops. */
async function removeContainers(label: string | undefined): Promise<void> {
  const ids = (await podmanAsync(['ps', '--all', '--quiet', '--filter', `label=${ENV_LABEL}=${label}`]).catch(() => ''))
    .split('\n')
    .filter(Boolean);
  // -v: the MariaDB image declares a volume, as the official one does; it goes with its container.
  if (ids.length) await podmanAsync(['rm', '--force', '--volumes', '--time', '5', ...ids]);
  await stopEngine();
}

export function getTestcontainersProvider(): EnvironmentProvider {
  const ports = portLayout(basePortFromEnv());
  const plan = testcontainersPlan(ports);
  // Read on first use, not at construction: `down` must not create a credentials file.
  let admin: AdminCredentials | undefined;
  const creds = () => (admin ??= adminCredentials(runDir()));
  // This environment's passwords (Kafka principals, database roles): random, 0600, gone on `down`.
  let secrets: EnvCredentials | undefined;
  const credentials = () => (secrets ??= environmentCredentials(runDir()));
  const harness = () => saslOf(credentials(), 'harness');
  const toxiproxyApi = `http://127.0.0.1:${plan.toxiproxy.api}`;
  const kafkaInternal = [`127.0.0.1:${ports.kafka.internal(0)}`];

  const ready = async (t: ContainerName): Promise<boolean> => {
    if (t === 'toxiproxy') return (await new Toxiproxy(toxiproxyApi).getVersion()).length > 0;
    if (t === 'kafka') {
      if (!existsSync(credentialsFileOf(runDir()))) return false; // never brought up from this run dir
      return (await registeredBrokers(kafkaInternal, 0, harness())).has(1);
    }
    if (!existsSync(adminCredentialsFile(runDir()))) return false; // never brought up from this run dir
    return pingMariadb(ports.mariadb[t === 'commands-db' ? 'commands' : 'queries'], creds().user, creds().password);
  };

  /** Creates the container through Testcontainers, or starts/thaws the one already there. */
  const ensureRunning = async (t: ContainerName, create: () => Promise<unknown>, progress: Progress) => {
    const name = plan.names[t];
    const state = await containerState(name);
    if (state === 'running') return;
    if (state === 'paused') await podmanAsync(['unpause', name]);
    else if (state !== undefined) await podmanAsync(['start', name]);
    else {
      progress(`testcontainers: starting ${t} (${name})`);
      await create();
    }
    await waitFor(`${t} ready`, () => ready(t), { timeoutMs: 120_000, intervalMs: 300 });
  };

  const start = containerStarters(plan, creds, credentials);
  const control = composeControl(containerControl({ names: plan.names, ready: (t: ContainerTarget) => ready(t) }));

  return {
    name: 'testcontainers',
    control,
    async up({ brokers, binlog = false, onProgress = () => undefined }) {
      if (brokers !== 1) throw new Error('the testcontainers provider runs 1 broker; use --provider local for --brokers 3');
      if (binlog) throw new Error(NO_BINLOG);
      const started = Date.now();
      await ensureEngine(onProgress);
      ensureImages(onProgress);
      await ensureRunning('toxiproxy', start.toxiproxy, onProgress);
      const addr = addressesOf(plan, ports, creds(), credentials());
      await new Toxiproxy(toxiproxyApi).populate(
        Object.values(plan.links)
          .flat()
          .map((p) => ({ ...p, enabled: true })),
      );
      await Promise.all([
        ...plan.mariadb.map((db) => ensureRunning(db.target, () => start.mariadb(db), onProgress)),
        ensureRunning('kafka', start.kafka, onProgress),
      ]);
      const throughProxy = async () => (await registeredBrokers(addr.kafka.relay, 0, harness())).size === 1;
      await waitFor('kafka through the relay proxy', throughProxy, { timeoutMs: 60_000, intervalMs: 300 });
      await waitFor('kafka group coordinator', () => coordinatorReady(kafkaInternal, harness()), { timeoutMs: 90_000, intervalMs: 500 });
      await createSystemAcls(addr);
      onProgress(`testcontainers: all containers ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return addr;
    },
    async down() {
      await removeContainers(plan.label[ENV_LABEL]);
      // The password belonged to the removed servers: the next environment gets a new one. The
      // system containers' settings and crash files go with them.
      rmSync(adminCredentialsFile(runDir()), { force: true });
      rmSync(credentialsFileOf(runDir()), { force: true });
      secrets = undefined;
      rmSync(join(runDir(), 'system'), { recursive: true, force: true });
      admin = undefined;
    },
    async status(): Promise<ComponentStatus[]> {
      const names = Object.keys(plan.names) as ContainerName[];
      return Promise.all(
        names.map(async (t): Promise<ComponentStatus> => {
          const state = await containerState(plan.names[t]);
          const healthy = state === 'running' && (await ready(t).catch(() => false));
          return { name: t, healthy, address: plan.names[t], detail: state === undefined ? 'no container' : healthy ? undefined : state };
        }),
      );
    },
  };
}
