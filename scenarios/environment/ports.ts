// Every port the environment uses, derived from one base port so a whole environment can be
// moved with FAULTLINE_BASE_PORT. Defaults stay below the ephemeral range (32768–61000) so a
// client's outgoing connection can never take one of our listening ports.

export const MAX_BROKERS = 3;
export const DEFAULT_BASE_PORT = 19000;
const EPHEMERAL = { from: 32768, to: 61000 };
const SPAN = 100; // ports base .. base+99

export interface PortLayout {
  base: number;
  toxiproxyApi: number;
  proxies: {
    clientCommand: number;
    commandDb: number;
    relayDb: number;
    queryDb: number;
    projectorDb: number;
    /** The Kafka Connect worker (cdc publish modes) → MariaDB commands (binlog and snapshot reads). */
    connectDb: number;
    relayKafka: (broker: number) => number; // broker is 0-based
    projectorKafka: (broker: number) => number;
    connectKafka: (broker: number) => number;
    /** Inbound replication of a broker: the others fetch from it through this proxy. */
    replicationKafka: (broker: number) => number;
  };
  mariadb: { commands: number; queries: number };
  kafka: {
    /** The harness's own direct listener (admin, reading topics): never proxied. */
    internal: (broker: number) => number;
    /** Inter-broker listener (replication), advertised as the broker's replication proxy. */
    replication: (broker: number) => number;
    controller: (broker: number) => number;
    relay: (broker: number) => number; // upstream of the relay proxy
    projector: (broker: number) => number;
    connect: (broker: number) => number; // upstream of the connect proxy
  };
  system: {
    commandService: number;
    queryApi: number;
    relay: number;
    projector: number;
    /** HTTP port of instance n ≥ 2 of a scalable process (instance 1 keeps the port above). */
    relayInstance: (n: number) => number;
    projectorInstance: (n: number) => number;
    /** The Kafka Connect worker's REST API. */
    connect: number;
  };
}

export function portLayout(base: number): PortLayout {
  return {
    base,
    toxiproxyApi: base,
    proxies: {
      clientCommand: base + 11,
      commandDb: base + 12,
      relayDb: base + 13,
      queryDb: base + 14,
      projectorDb: base + 15,
      connectDb: base + 16,
      relayKafka: (b) => base + 20 + b,
      projectorKafka: (b) => base + 30 + b,
      connectKafka: (b) => base + 23 + b,
      replicationKafka: (b) => base + 56 + b,
    },
    mariadb: { commands: base + 41, queries: base + 42 },
    kafka: {
      internal: (b) => base + 50 + b,
      replication: (b) => base + 53 + b,
      controller: (b) => base + 60 + b,
      relay: (b) => base + 70 + b,
      projector: (b) => base + 80 + b,
      connect: (b) => base + 63 + b,
    },
    system: {
      commandService: base + 91,
      queryApi: base + 92,
      relay: base + 93,
      projector: base + 94,
      relayInstance: (n) => base + instanceOffset(n, 1),
      projectorInstance: (n) => base + instanceOffset(n, 6),
      connect: base + 95,
    },
  };
}

/** Instances 2..6 of one process take five consecutive free ports of the span (base+1.., base+6..). */
function instanceOffset(n: number, first: number): number {
  if (!Number.isInteger(n) || n < 2 || n > 6) throw new Error(`instance ${n}: only instances 2..6 have their own port`);
  return first + n - 2;
}

/** Reads FAULTLINE_BASE_PORT; a bad value is an error that says what is accepted. */
export function basePortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FAULTLINE_BASE_PORT;
  if (raw === undefined || raw === '') return DEFAULT_BASE_PORT;
  const base = Number(raw);
  const valid = Number.isInteger(base) && base >= 1024 && base + SPAN <= 65535 && (base + SPAN <= EPHEMERAL.from || base > EPHEMERAL.to);
  if (!valid) {
    throw new Error(
      `FAULTLINE_BASE_PORT=${raw} is not usable: give an integer ≥ 1024 such that base..base+${SPAN - 1} ` +
        `stays outside the ephemeral range ${EPHEMERAL.from}–${EPHEMERAL.to} (e.g. 19000 or 22000)`,
    );
  }
  return base;
}

/** Whose environment sits at which span beside the current one (the bench's own env-up
 *  environment takes the span after it, 1). */
export const SIBLING_SPANS = { localLifecycle: 2, threeBrokers: 3, containersLifecycle: 4, containersTier: 6 } as const;

/**
 * The base port of a test's own environment, `span` spans of ports beside FAULTLINE_BASE_PORT's
 * (above it, or below when above leaves the allowed range), so two checkouts on different base
 * ports never share one, and nothing is fixed.
 */
export function siblingBasePort(span: number, env: NodeJS.ProcessEnv = process.env): number {
  const base = basePortFromEnv(env);
  for (const candidate of [base + span * SPAN, base - span * SPAN]) {
    try {
      return basePortFromEnv({ FAULTLINE_BASE_PORT: String(candidate) });
    } catch {
      /* outside the allowed range: try the other side */
    }
  }
  throw new Error(`no usable base port ${span} spans of ${SPAN} ports beside ${base}: move FAULTLINE_BASE_PORT`);
}
