// The container layout as data: images, container names, loopback-only published ports (the
// same host ports as the local provider), Kafka's per-role listeners advertised as Toxiproxy's
// ports. Pure, so it is unit-tested without an engine; testcontainersProvider.ts executes it.
//
// Toxiproxy runs in the host's network namespace, listening on 127.0.0.1 only: its proxies are
// then exactly the local provider's (upstreams on 127.0.0.1, the command service a host
// process), and no container needs to resolve another by name. So do both MariaDBs: the
// system's least-privilege users are granted to clients from 127.0.0.1, and a published port
// would show them the bridge's gateway address instead. Kafka has no host-based grants: it
// stays on the bridge with its ports published on 127.0.0.1.
import type { EnvCredentials } from '../../../system/shared/credentials.ts';
import { ENV_LABEL } from '../containers/recipes.ts';
import { brokerSecurityProperties, scramFormatArgs } from '../kafkaSecurity.ts';
import type { PortLayout } from '../ports.ts';
import { proxyLayout } from '../local/toxiproxy.ts';
import type { LinkName, ProxyAddress } from '../types.ts';

export const IMAGES = {
  kafka: 'apache/kafka:4.1.1',
  mariadb: 'mariadb:10.11',
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
} as const;

/** Containers the harness may fault. Toxiproxy is not one: its proxies live in its memory. */
export const CONTAINER_TARGETS = ['kafka', 'commands-db', 'queries-db'] as const;
export type ContainerTarget = (typeof CONTAINER_TARGETS)[number];
export type ContainerName = ContainerTarget | 'toxiproxy';

const KAFKA_PORT = { internal: 9092, controller: 9093, relay: 9094, projector: 9095 } as const;
export { ENV_LABEL };

export interface PublishedPort {
  container: number;
  host: number;
}

export interface TestcontainersPlan {
  label: Record<string, string>;
  names: Record<ContainerName, string>;
  kafka: { image: string; env: Record<string, string>; ports: PublishedPort[] };
  mariadb: { database: 'commands' | 'queries'; target: 'commands-db' | 'queries-db'; image: string; port: number; command: string[] }[];
  toxiproxy: { image: string; api: number; command: string[] };
  /** What clients on the host dial: the local provider's proxies, unchanged. */
  links: Record<LinkName, ProxyAddress[]>;
}

/** A server property as the image's KAFKA_* variable (the inverse of run.sh's to_property). */
export function propertyEnvName(property: string): string {
  return `KAFKA_${property.replaceAll('_', '__').replaceAll('-', '___').replaceAll('.', '_').toUpperCase()}`;
}

/**
 * The broker's security settings as the image's variables (the same as the local provider's, see
 * ../kafkaSecurity.ts), and the SCRAM credentials its start script formats into the storage
 * (FAULTLINE_SCRAM_CREDENTIALS: space-separated --add-scram values, passed through a 0600
 * argument file, never a command line).
 */
export function kafkaSecurityEnv(credentials: EnvCredentials): Record<string, string> {
  const props = brokerSecurityProperties(credentials, {
    listeners: ['INTERNAL', 'RELAY', 'PROJECTOR'],
    interBroker: 'INTERNAL',
    controller: 'CONTROLLER',
  });
  const env = Object.fromEntries(Object.entries(props).map(([k, v]) => [propertyEnvName(k), v]));
  return {
    ...env,
    FAULTLINE_SCRAM_CREDENTIALS: scramFormatArgs(credentials)
      .filter((a) => a !== '--add-scram')
      .join(' '),
  };
}

export function testcontainersPlan(ports: PortLayout): TestcontainersPlan {
  const links = proxyLayout(ports, 1);
  const hostPortOf = (p: ProxyAddress) => Number(p.listen.split(':')[1]);
  const relayProxy = hostPortOf(links['relay-kafka'][0]!);
  const projectorProxy = hostPortOf(links['projector-kafka'][0]!);
  const name = (t: ContainerName) => `faultline-${ports.base}-${t}`;
  return {
    label: { [ENV_LABEL]: String(ports.base) },
    names: { kafka: name('kafka'), 'commands-db': name('commands-db'), 'queries-db': name('queries-db'), toxiproxy: name('toxiproxy') },
    kafka: {
      image: IMAGES.kafka,
      env: {
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${KAFKA_PORT.controller}`,
        KAFKA_LISTENERS: `INTERNAL://0.0.0.0:${KAFKA_PORT.internal},CONTROLLER://localhost:${KAFKA_PORT.controller},RELAY://0.0.0.0:${KAFKA_PORT.relay},PROJECTOR://0.0.0.0:${KAFKA_PORT.projector}`,
        // Each role is advertised as its proxy's port, exactly as in the local provider; the
        // harness' INTERNAL address is the published port itself.
        KAFKA_ADVERTISED_LISTENERS: `INTERNAL://127.0.0.1:${ports.kafka.internal(0)},RELAY://127.0.0.1:${relayProxy},PROJECTOR://127.0.0.1:${projectorProxy}`,
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
        KAFKA_MIN_INSYNC_REPLICAS: '1',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '5',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '5',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_NETWORK_THREADS: '2',
        KAFKA_NUM_IO_THREADS: '4',
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m', // 2 shared cores: the same heap as the local broker
      },
      ports: [
        { container: KAFKA_PORT.internal, host: ports.kafka.internal(0) },
        { container: KAFKA_PORT.relay, host: ports.kafka.relay(0) },
        { container: KAFKA_PORT.projector, host: ports.kafka.projector(0) },
      ],
    },
    mariadb: (['commands', 'queries'] as const).map((database) => ({
      database,
      target: database === 'commands' ? 'commands-db' : 'queries-db',
      image: IMAGES.mariadb,
      port: ports.mariadb[database],
      // Server options after the image's entrypoint, as the official image takes them.
      command: [`--port=${ports.mariadb[database]}`, '--bind-address=127.0.0.1'],
    })),
    toxiproxy: { image: IMAGES.toxiproxy, api: ports.toxiproxyApi, command: ['-host=127.0.0.1', `-port=${ports.toxiproxyApi}`] },
    links,
  };
}
