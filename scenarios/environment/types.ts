// What every environment provider hands to the harness and the tests: the address of every
// server and every Toxiproxy proxy. Written by `npm run env -- up` to `.faultline/env.json`.
import type { KafkaSasl } from '../../system/shared/kafka.ts';

/** The seven client links; each crosses its own Toxiproxy proxy (Kafka links: one per broker). */
export const LINKS = [
  'client-command', // workload → command service HTTP
  'command-db', // command service → MariaDB commands
  'relay-db', // relay → MariaDB commands
  'relay-kafka', // publisher (relay; the command service in dual-write) → Kafka
  'projector-kafka', // projector → Kafka
  'projector-db', // projector → MariaDB queries
  'query-db', // query API → MariaDB queries
  'connect-db', // Kafka Connect worker (cdc publish modes) → MariaDB commands
  'connect-kafka', // Kafka Connect worker → Kafka
] as const;
export type LinkName = (typeof LINKS)[number];
/**
 * The Kafka Connect worker's links: used only in the cdc publish modes, and only where the
 * environment has them (the local provider). Random schedules do not draw them; an external
 * environment may leave them out.
 */
export const CONNECT_LINKS: readonly LinkName[] = ['connect-db', 'connect-kafka'];

export interface ProxyAddress {
  name: string; // Toxiproxy proxy name
  listen: string; // host:port clients dial
  upstream: string; // host:port of the real server
}

export interface DbServer {
  host: string;
  port: number; // the real server, not a proxy: for the harness' own reads
  database: 'commands' | 'queries';
  admin: { user: string; password: string };
}

/** `commands` says whether it keeps a binary log: only the cdc publish modes read one (Debezium). */
export interface CommandsDbServer extends DbServer {
  database: 'commands';
  /**
   * log_bin as the server was started (it is not dynamic). On (row format, GTID, sync_binlog=1)
   * only where the environment was brought up for the cdc modes: every commit pays for it.
   */
  binlog: boolean;
}

export interface EnvAddresses {
  provider: 'local' | 'testcontainers' | 'external';
  toxiproxy: { api: string }; // http://host:port
  kafka: {
    brokers: number;
    /** Direct bootstrap for the harness (admin, poison injection, reading topics): no proxy. */
    internal: string[];
    /**
     * The harness's own principal (a super user): every harness client authenticates as it, on
     * any listener. The system's principals are in `<run dir>/credentials.json`.
     */
    sasl?: KafkaSasl;
    /** Proxy addresses, one per broker, advertised to the publisher role. */
    relay: string[];
    /** Proxy addresses, one per broker, advertised to the projector role. */
    projector: string[];
    /** Proxy addresses, one per broker, advertised to the Kafka Connect worker (cdc publish modes). */
    connect?: string[];
    /**
     * The inter-broker (replication) proxies, one per broker (`replication-kafka-N`): the others
     * fetch from broker N through it. Absent where replication does not cross Toxiproxy.
     */
    replication?: ProxyAddress[];
    /** Each node's KRaft quorum-state file (the active controller is read from these); local provider only. */
    quorumStateFiles?: string[];
  };
  mariadb: { commands: CommandsDbServer; queries: DbServer };
  links: Record<LinkName, ProxyAddress[]>;
  /** Base URLs of the system's processes, when the environment started them. */
  system?: SystemUrls;
}

export interface SystemUrls {
  commandService: string; // through the client-command proxy
  commandServiceDirect: string;
  queryApi: string;
  relay: string; // health + metrics
  projector: string; // health + metrics
  /** Health + metrics URL of every started process instance by target name ('relay', 'projector#2', …). */
  instances?: Record<string, string>;
}

export interface ComponentStatus {
  name: string;
  healthy: boolean;
  pid?: number | undefined;
  address?: string | undefined;
  detail?: string | undefined;
}

/** A process the harness can fault: infrastructure ('kafka', 'kafka-2', 'commands-db', 'queries-db')
 *  or a system process instance ('command-service', 'relay', 'projector#2', …). */
export type ProcessTargetName = string;

/** Process faults (the Jepsen "db" role). A provider that cannot do one throws
 *  `UnsupportedControlError` saying why, never a silent no-op. */
export interface ProcessControl {
  /** SIGKILL (or the engine's equivalent): no cleanup. Returns once the process is gone. */
  kill(target: ProcessTargetName): Promise<void>;
  /** SIGSTOP / container pause: the process holds its sockets but does nothing. */
  pause(target: ProcessTargetName): Promise<void>;
  resume(target: ProcessTargetName): Promise<void>;
  /** Start again after a kill, or stop-and-start when running (graceful unless told otherwise);
   *  resolves when the target is ready again. */
  restart(target: ProcessTargetName, opts?: { graceful?: boolean }): Promise<void>;
  /** An identity that changes when the process is replaced (a pid, a container id). */
  identity(target: ProcessTargetName): Promise<string | undefined>;
  /** Every target this provider can fault in the running environment. */
  targets(): Promise<ProcessTargetName[]>;
  /** Named crash points inside system processes; absent where a provider cannot reach them. */
  readonly crashPoints?: CrashPointControl;
}

/** One line of a process's crash log: a named point that fired (see system/shared/crashPoints.ts). */
export interface FiredCrashPoint {
  crashPoint: string;
  pass: number;
  pid: number;
  at: number; // ms since epoch
}

export interface CrashPointControl {
  /** Arms points in the running process ("name:N[,name:N]"); '' disarms every point. */
  arm(target: ProcessTargetName, spec: string): Promise<void>;
  /** Every point that fired in the target since it was started by this environment. */
  fired(target: ProcessTargetName): Promise<FiredCrashPoint[]>;
}

export class UnsupportedControlError extends Error {
  constructor(provider: string, what: string, why: string) {
    super(`${provider} provider cannot ${what}: ${why}`);
    this.name = 'UnsupportedControlError';
  }
}

export interface EnvironmentProvider {
  readonly name: EnvAddresses['provider'];
  /**
   * Starts what is missing. `binlog`: the `commands` server with its binary log (default off); a
   * provider that runs the server restarts it when it runs with the other setting (its data
   * stays), one that cannot give a binary log refuses, and the user's own server keeps what it has.
   */
  up(opts: { brokers: number; binlog?: boolean; onProgress?: (line: string) => void }): Promise<EnvAddresses>;
  down(): Promise<void>;
  status(): Promise<ComponentStatus[]>;
  /** Process faults on the environment this provider runs. */
  readonly control: ProcessControl;
}
