// The Toxiproxy server and one proxy per client link (one per broker for the Kafka links).
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { LinkName, ProxyAddress } from '../types.ts';
import type { PortLayout } from '../ports.ts';
import { isAlive, type ManagedProcess, readPid, StartError, startProcess, waitFor } from './processes.ts';

export function toxiproxyProcess(bin: string, ports: PortLayout, dir: string): ManagedProcess {
  return {
    name: 'toxiproxy',
    pidFile: join(dir, 'pid.json'),
    logFile: join(dir, 'server.log'),
    command: bin,
    marker: 'toxiproxy-server',
    args: ['-host', '127.0.0.1', '-port', String(ports.toxiproxyApi)],
  };
}

/** Every proxy of the environment, by link. */
export function proxyLayout(ports: PortLayout, brokers: number): Record<LinkName, ProxyAddress[]> {
  const at = (port: number) => `127.0.0.1:${port}`;
  const one = (name: LinkName, listen: number, upstream: number): ProxyAddress[] => [{ name, listen: at(listen), upstream: at(upstream) }];
  const perBroker = (name: LinkName, listen: (b: number) => number, upstream: (b: number) => number) =>
    Array.from({ length: brokers }, (_, b) => ({ name: `${name}-${b + 1}`, listen: at(listen(b)), upstream: at(upstream(b)) }));
  const p = ports.proxies;
  return {
    'client-command': one('client-command', p.clientCommand, ports.system.commandService),
    'command-db': one('command-db', p.commandDb, ports.mariadb.commands),
    'relay-db': one('relay-db', p.relayDb, ports.mariadb.commands),
    'relay-kafka': perBroker('relay-kafka', p.relayKafka, ports.kafka.relay),
    'projector-kafka': perBroker('projector-kafka', p.projectorKafka, ports.kafka.projector),
    'projector-db': one('projector-db', p.projectorDb, ports.mariadb.queries),
    'query-db': one('query-db', p.queryDb, ports.mariadb.queries),
    'connect-db': one('connect-db', p.connectDb, ports.mariadb.commands),
    'connect-kafka': perBroker('connect-kafka', p.connectKafka, ports.kafka.connect),
  };
}

/**
 * The inbound replication proxy of each broker. A single broker has one too: nothing replicates,
 * but a broker verifying a transactional write (KIP-890, the cdc-eos mode's Connect worker) asks
 * the transaction coordinator, itself, at its advertised inter-broker address.
 */
export function replicationProxies(ports: PortLayout, brokers: number): ProxyAddress[] {
  return Array.from({ length: brokers }, (_, b) => ({
    name: `replication-kafka-${b + 1}`,
    listen: `127.0.0.1:${ports.proxies.replicationKafka(b)}`,
    upstream: `127.0.0.1:${ports.kafka.replication(b)}`,
  }));
}

export const toxiproxyClient = (ports: PortLayout) => new Toxiproxy(`http://127.0.0.1:${ports.toxiproxyApi}`);

export async function startToxiproxy(bin: string, ports: PortLayout, dir: string): Promise<number> {
  const proc = toxiproxyProcess(bin, ports, dir);
  const pid = readPid(proc) ?? startProcess(proc);
  try {
    await waitFor('toxiproxy', async () => (await toxiproxyClient(ports).getVersion()).length > 0, {
      timeoutMs: 10_000,
      intervalMs: 100,
      alive: () => isAlive(pid),
    });
  } catch (err) {
    throw new StartError('toxiproxy', (err as Error).message, proc.logFile);
  }
  return pid;
}

/** Creates missing proxies; re-enables and clears toxics of existing ones (a clean `up`). */
export async function ensureProxies(
  ports: PortLayout,
  layout: Record<LinkName, ProxyAddress[]>,
  extra: readonly ProxyAddress[] = [],
): Promise<void> {
  const client = toxiproxyClient(ports);
  await client.populate([...Object.values(layout).flat(), ...extra].map((p) => ({ ...p, enabled: true })));
}
