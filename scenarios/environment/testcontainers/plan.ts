// The Docker layout as data: images, fixed host ports (the same layout as the local provider),
// Kafka's per-role listeners advertised as Toxiproxy's host ports. Pure, so it is unit-tested on
// machines without Docker; testcontainersProvider.ts only executes it.
import type { PortLayout } from '../ports.ts';
import { proxyLayout } from '../local/toxiproxy.ts';
import type { LinkName, ProxyAddress } from '../types.ts';

export const IMAGES = {
  kafka: 'apache/kafka:4.1.1',
  mariadb: 'mariadb:10.11',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
} as const;

export const ALIASES = { kafka: 'kafka', commands: 'commands-db', queries: 'queries-db', toxiproxy: 'toxiproxy' } as const;
/** Toxiproxy reaches the command service on the host through Testcontainers' host port forwarding. */
export const HOST_ALIAS = 'host.testcontainers.internal';
const KAFKA_PORT = { internal: 9092, controller: 9093, relay: 9094, projector: 9095 } as const;

export interface ContainerProxy { name: string; hostPort: number; containerListen: string; upstream: string }

export interface TestcontainersPlan {
  label: Record<string, string>;
  kafka: { image: string; env: Record<string, string>; hostPorts: { container: number; host: number }[] };
  mariadb: { database: 'commands' | 'queries'; image: string; alias: string; hostPort: number }[];
  toxiproxy: { image: string; apiHostPort: number; proxies: ContainerProxy[] };
  hostPortsToExpose: number[];
  /** What clients on the host dial: the same contract as the local provider. */
  links: Record<LinkName, ProxyAddress[]>;
}

export function testcontainersPlan(ports: PortLayout): TestcontainersPlan {
  const links = proxyLayout(ports, 1); // one broker: the in-container INTERNAL address is not reachable by peers
  const hostPortOf = (p: ProxyAddress) => Number(p.listen.split(':')[1]);
  const upstreamInDocker: Record<LinkName, string> = {
    'client-command': `${HOST_ALIAS}:${ports.system.commandService}`,
    'command-db': `${ALIASES.commands}:3306`,
    'relay-db': `${ALIASES.commands}:3306`,
    'relay-kafka': `${ALIASES.kafka}:${KAFKA_PORT.relay}`,
    'projector-kafka': `${ALIASES.kafka}:${KAFKA_PORT.projector}`,
    'projector-db': `${ALIASES.queries}:3306`,
    'query-db': `${ALIASES.queries}:3306`,
  };
  const proxies = (Object.keys(links) as LinkName[]).flatMap((link) =>
    links[link].map((p) => ({ name: p.name, hostPort: hostPortOf(p), containerListen: `0.0.0.0:${hostPortOf(p)}`, upstream: upstreamInDocker[link] })),
  );
  const relayHost = hostPortOf(links['relay-kafka'][0]!);
  const projectorHost = hostPortOf(links['projector-kafka'][0]!);
  return {
    label: { 'dev.faultline.env': String(ports.base) },
    kafka: {
      image: IMAGES.kafka,
      env: {
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${KAFKA_PORT.controller}`,
        KAFKA_LISTENERS: `INTERNAL://0.0.0.0:${KAFKA_PORT.internal},CONTROLLER://0.0.0.0:${KAFKA_PORT.controller},RELAY://0.0.0.0:${KAFKA_PORT.relay},PROJECTOR://0.0.0.0:${KAFKA_PORT.projector}`,
        // Each role is advertised as its proxy's host port, exactly as in the local provider.
        KAFKA_ADVERTISED_LISTENERS: `INTERNAL://127.0.0.1:${ports.kafka.internal(0)},RELAY://127.0.0.1:${relayHost},PROJECTOR://127.0.0.1:${projectorHost}`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,RELAY:PLAINTEXT,PROJECTOR:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '5',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
      },
      hostPorts: [{ container: KAFKA_PORT.internal, host: ports.kafka.internal(0) }],
    },
    mariadb: [
      { database: 'commands', image: IMAGES.mariadb, alias: ALIASES.commands, hostPort: ports.mariadb.commands },
      { database: 'queries', image: IMAGES.mariadb, alias: ALIASES.queries, hostPort: ports.mariadb.queries },
    ],
    toxiproxy: { image: IMAGES.toxiproxy, apiHostPort: ports.toxiproxyApi, proxies },
    hostPortsToExpose: [ports.system.commandService],
    links,
  };
}
