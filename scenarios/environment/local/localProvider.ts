// The default provider where no Docker engine answers: real Kafka, two MariaDB servers and
// Toxiproxy as local processes, installed into a cache on first use.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsFileOf, environmentCredentials, readCredentials } from '../../../system/shared/credentials.ts';
import { createSystemAcls, saslOf } from '../kafkaSecurity.ts';
import { ensureClassArchive } from './kafkaClassArchive.ts';
import { brokerHeap, brokerProcess, kafkaReady, quorumStateFile, registeredBrokers, startKafka } from './kafka.ts';
import { ensureKafka, ensureMariadb, ensureToxiproxy } from './install.ts';
import { adminCredentials, mariadbProcess, pingMariadb, serverLogBin, startedWithBinlog, startMariadb } from './mariadb.ts';
import { assertPortsFree } from './portCheck.ts';
import { isAlive, type ManagedProcess, readPid, stopProcess, waitFor, StartError } from './processes.ts';
import { ensureProxies, proxyLayout, replicationProxies, startToxiproxy, toxiproxyClient, toxiproxyProcess } from './toxiproxy.ts';
import { MAX_BROKERS } from '../ports.ts';
import { localLayout, runningBrokerCount, type LocalLayout } from './layout.ts';
import { localControl } from './localControl.ts';
import { readState } from '../state.ts';
import type { ComponentStatus, EnvAddresses, EnvironmentProvider } from '../types.ts';

type Progress = (line: string) => void;

export { localLayout, runningBrokerCount, type LocalLayout } from './layout.ts';

/** Every infrastructure process the local provider may have started, for `down` and faults. */
export function infraProcesses(l: LocalLayout): ManagedProcess[] {
  const bins = { mariadbd: 'mariadbd', installDb: 'mariadb-install-db' };
  return [
    ...Array.from({ length: l.brokers }, (_, b) =>
      brokerProcess({ brokers: l.brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs: '' }, b),
    ),
    mariadbProcess({ database: 'commands', port: l.ports.mariadb.commands, dir: join(l.dir, 'mariadb-commands'), binaries: bins }),
    mariadbProcess({ database: 'queries', port: l.ports.mariadb.queries, dir: join(l.dir, 'mariadb-queries'), binaries: bins }),
    toxiproxyProcess('', l.ports, join(l.dir, 'toxiproxy')),
  ];
}

export function addressesOf(l: LocalLayout): EnvAddresses {
  const { ports, brokers } = l;
  const links = proxyLayout(ports, brokers);
  const admin = adminCredentials(l.dir);
  const credentials = readCredentials(credentialsFileOf(l.dir));
  const db = <D extends 'commands' | 'queries'>(database: D, port: number) => ({ host: '127.0.0.1', port, database, admin: { ...admin } });
  return {
    provider: 'local',
    toxiproxy: { api: `http://127.0.0.1:${ports.toxiproxyApi}` },
    kafka: {
      brokers,
      internal: Array.from({ length: brokers }, (_, b) => `127.0.0.1:${ports.kafka.internal(b)}`),
      ...(credentials ? { sasl: saslOf(credentials, 'harness') } : {}),
      relay: links['relay-kafka'].map((p) => p.listen),
      projector: links['projector-kafka'].map((p) => p.listen),
      connect: links['connect-kafka'].map((p) => p.listen),
      ...(brokers > 1 ? { replication: replicationProxies(ports, brokers) } : {}),
      quorumStateFiles: Array.from({ length: brokers }, (_, b) => quorumStateFile(join(l.dir, 'kafka'), b)),
    },
    mariadb: {
      commands: { ...db('commands', ports.mariadb.commands), binlog: startedWithBinlog(join(l.dir, 'mariadb-commands')) },
      queries: db('queries', ports.mariadb.queries),
    },
    links,
  };
}

function portsToCheck(l: LocalLayout): { port: number; what: string }[] {
  const p = l.ports;
  const list = [
    { port: p.toxiproxyApi, what: 'Toxiproxy API' },
    { port: p.mariadb.commands, what: 'MariaDB commands' },
    { port: p.mariadb.queries, what: 'MariaDB queries' },
    ...[...Object.values(proxyLayout(p, l.brokers)).flat(), ...replicationProxies(p, l.brokers)].map((x) => ({
      port: Number(x.listen.split(':')[1]),
      what: `proxy ${x.name}`,
    })),
  ];
  for (let b = 0; b < l.brokers; b++) {
    list.push(
      { port: p.kafka.internal(b), what: `Kafka broker ${b + 1} internal listener` },
      { port: p.kafka.replication(b), what: `Kafka broker ${b + 1} replication listener` },
      { port: p.kafka.controller(b), what: `Kafka broker ${b + 1} controller listener` },
      { port: p.kafka.relay(b), what: `Kafka broker ${b + 1} relay listener` },
      { port: p.kafka.projector(b), what: `Kafka broker ${b + 1} projector listener` },
      { port: p.kafka.connect(b), what: `Kafka broker ${b + 1} connect listener` },
    );
  }
  return list;
}

/**
 * `commands` running with the other binary-log setting is stopped (cleanly: its data dir stays) so
 * that it starts again with the one asked for. log_bin is not dynamic; a restart of this one
 * server is the cheapest way to change it. Whoever uses it (the system's processes, a Connect
 * worker) must be stopped first: `switchBinlog` in binlogSwitch.ts does that.
 */
async function stopCommandsForBinlog(
  l: LocalLayout,
  spec: Parameters<typeof mariadbProcess>[0],
  binlog: boolean,
  onProgress: Progress,
): Promise<void> {
  const proc = mariadbProcess(spec);
  if (readPid(proc) === undefined) return;
  const admin = adminCredentials(l.dir);
  const running = await serverLogBin(spec.port, admin.user, admin.password).catch(() => startedWithBinlog(spec.dir));
  if (running === binlog) return;
  onProgress(`mariadb: restarting commands ${binlog ? 'with' : 'without'} its binary log (log_bin is not dynamic; the data stays)`);
  await stopProcess(proc, 60_000);
}

/** Brings up (or finds up) Toxiproxy, the brokers and both MariaDB servers, and the system's ACLs. */
async function upLocal({
  brokers,
  binlog = false,
  onProgress = () => undefined,
}: {
  brokers: number;
  binlog?: boolean;
  onProgress?: Progress;
}): Promise<EnvAddresses> {
  if (brokers !== 1 && brokers !== MAX_BROKERS) throw new Error(`--brokers must be 1 or ${MAX_BROKERS}, got ${brokers}`);
  const existing = runningBrokerCount();
  if (existing !== undefined && existing !== brokers) {
    throw new Error(`the environment here has ${existing} broker(s); run \`npm run env -- down\` before asking for ${brokers}`);
  }
  const l = localLayout(brokers);
  const alreadyUp = infraProcesses(l).filter((p) => readPid(p) !== undefined).length;
  if (alreadyUp === 0) await assertPortsFree(portsToCheck(l));

  // This environment's passwords (Kafka principals, database roles): random, 0600, gone on `down`.
  const credentials = environmentCredentials(l.dir);
  const libs = ensureKafka(onProgress);
  await ensureClassArchive(libs, onProgress, brokerHeap(brokers));
  const toxiBin = ensureToxiproxy(onProgress);
  const mariadbBins = ensureMariadb(onProgress);

  onProgress('toxiproxy: starting');
  await startToxiproxy(toxiBin, l.ports, join(l.dir, 'toxiproxy'));
  await ensureProxies(l.ports, proxyLayout(l.ports, brokers), replicationProxies(l.ports, brokers));

  onProgress(`kafka: starting ${brokers} broker(s) (KRaft)`);
  const kafkaSpec = { brokers, ports: l.ports, dir: join(l.dir, 'kafka'), libs, credentials };
  const kafkaStarted = startKafka(kafkaSpec);
  onProgress('mariadb: starting commands and queries servers');
  const dbSpec = (database: 'commands' | 'queries', port: number) => ({
    database,
    port,
    dir: join(l.dir, `mariadb-${database}`),
    binaries: mariadbBins,
    binlog: database === 'commands' && binlog,
  });
  const commandsSpec = dbSpec('commands', l.ports.mariadb.commands);
  await stopCommandsForBinlog(l, commandsSpec, binlog, onProgress);
  await Promise.all([startMariadb(commandsSpec), startMariadb(dbSpec('queries', l.ports.mariadb.queries))]);
  onProgress(`mariadb: both servers answer (commands ${binlog ? 'with' : 'without'} a binary log)`);
  const kafkaPids = await kafkaStarted;
  const addr = addressesOf(l);
  const procs = Array.from({ length: brokers }, (_, b) => brokerProcess(kafkaSpec, b));
  try {
    // Ready only when each role's proxied bootstrap answers with every broker registered.
    await waitFor(
      'kafka',
      async () =>
        (await kafkaReady(addr.kafka.relay, brokers, addr.kafka.sasl)) &&
        (await kafkaReady(addr.kafka.projector, brokers, addr.kafka.sasl)),
      {
        // A JVM start is CPU-bound: on a busy 2-core machine a minute was not always enough.
        timeoutMs: 120_000,
        intervalMs: 300,
        alive: () => kafkaPids.every(isAlive),
      },
    );
  } catch (err) {
    const dead = procs.find((p) => readPid(p) === undefined) ?? procs[0]!;
    throw new StartError(dead.name, (err as Error).message, dead.logFile);
  }
  onProgress(`kafka: ${brokers} broker(s) answer through the relay and projector proxies`);
  await createSystemAcls(addr);
  onProgress('kafka: ACLs of the system principals in place');
  return addr;
}

/** Every infrastructure part: Toxiproxy and its proxies, both MariaDB servers, each broker. */
async function statusLocal(): Promise<ComponentStatus[]> {
  const brokers = runningBrokerCount() ?? readState()?.kafka.brokers ?? 1;
  const l = localLayout(brokers);
  const addr = addressesOf(l);
  const out: ComponentStatus[] = [];
  const toxi = toxiproxyProcess('', l.ports, join(l.dir, 'toxiproxy'));
  const toxiPid = readPid(toxi);
  let proxies: Record<string, { enabled: boolean }> = {};
  if (toxiPid !== undefined)
    proxies = await toxiproxyClient(l.ports)
      .getAll()
      .catch(() => ({}));
  out.push({
    name: 'toxiproxy',
    healthy: toxiPid !== undefined && Object.keys(proxies).length > 0,
    pid: toxiPid,
    address: addr.toxiproxy.api,
  });
  for (const link of [...Object.values(addr.links).flat(), ...(addr.kafka.replication ?? [])]) {
    const p = proxies[link.name];
    out.push({
      name: `proxy ${link.name}`,
      healthy: p?.enabled === true,
      address: `${link.listen} → ${link.upstream}`,
      detail: p ? (p.enabled ? undefined : 'disabled') : 'missing',
    });
  }
  for (const db of ['commands', 'queries'] as const) {
    const p = infraProcesses(l).find((x) => x.name === `mariadb-${db}`)!;
    const pid = readPid(p);
    const port = addr.mariadb[db].port;
    const { user, password } = addr.mariadb[db].admin;
    const ok = pid !== undefined && (await pingMariadb(port, user, password).catch(() => false));
    out.push({
      name: `mariadb-${db}`,
      healthy: ok,
      pid,
      address: `127.0.0.1:${port}`,
      detail: pid === undefined ? 'not running' : ok ? undefined : 'not answering',
    });
  }
  const registered = await registeredBrokers(addr.kafka.internal, 1, addr.kafka.sasl).catch(() => new Set<number>());
  for (let b = 0; b < brokers; b++) {
    const pid = readPid(infraProcesses(l).find((x) => x.name === `kafka-${b + 1}`)!);
    const ok = pid !== undefined && registered.has(b + 1);
    out.push({
      name: `kafka-${b + 1}`,
      healthy: ok,
      pid,
      address: addr.kafka.internal[b],
      detail: pid === undefined ? 'not running' : ok ? undefined : 'not registered in the cluster',
    });
  }
  return out;
}

export function getLocalProvider(): EnvironmentProvider {
  return {
    name: 'local',
    control: localControl(() => localLayout(runningBrokerCount() ?? 1)),
    up: upLocal,
    async down() {
      const brokers = runningBrokerCount() ?? MAX_BROKERS;
      const l = localLayout(brokers);
      // Reverse order: clients' servers last would not matter, but Kafka stops faster with its voters up.
      await Promise.all(infraProcesses(l).map((p) => stopProcess(p, p.name.startsWith('kafka') ? 20_000 : 10_000)));
      rmSync(l.dir, { recursive: true, force: true });
    },

    status: statusLocal,
  };
}
