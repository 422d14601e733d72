// The relay's configuration, from the environment, validated once.
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { TOPIC } from '../shared/events.ts';
import { kafkaBrokers, kafkaSaslConfig } from '../shared/kafka.ts';

export function relayConfig(env: EnvReader) {
  const pollMinMs = env.int('RELAY_POLL_MIN_MS', 1, { min: 1, max: 10_000 });
  const backoffBaseMs = env.int('RELAY_BACKOFF_BASE_MS', 50, { min: 1, max: 60_000 });
  const breakerCooldownMs = env.int('RELAY_BREAKER_COOLDOWN_MS', 100, { min: 1, max: 600_000 });
  const sendTimeoutMs = env.int('RELAY_SEND_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 });
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', 8081, { min: 0, max: 65_535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    brokers: kafkaBrokers(env.list('KAFKA_BROKERS')),
    /** Its Kafka principal (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM). */
    kafkaSasl: kafkaSaslConfig(env),
    commandsDbUrl: env.url('COMMANDS_DB_URL', ['mysql', 'mariadb']),
    /** When set, `sql/commands` migrations are applied at start with this admin account. */
    commandsAdminUrl:
      env.optional('COMMANDS_DB_ADMIN_URL') === undefined ? undefined : env.url('COMMANDS_DB_ADMIN_URL', ['mysql', 'mariadb']),
    topic: env.str('KAFKA_TOPIC', TOPIC),
    /** Most rows per Kafka send (a send also stops at about 512 KiB). Large, so a backlog drains in
     *  few round trips; without one, a claim finds only the few rows waiting and sends them at once. */
    batchSize: env.int('RELAY_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
    /** Sends claimed per claim transaction (claim limit = batchSize × claimBatches). */
    claimBatches: env.int('RELAY_CLAIM_BATCHES', 2, { min: 1, max: 100 }),
    /** A claim older than this is taken over by any relay; a relay never sends a claim this close to expiry. */
    claimLeaseMs: env.int('RELAY_CLAIM_LEASE_MS', 30_000, { min: sendTimeoutMs + 2_000, max: 3_600_000 }),
    /** Liveness lock heartbeat: a lost lock is noticed within about this long. */
    heartbeatMs: env.int('RELAY_HEARTBEAT_MS', 1_000, { min: 50, max: 60_000 }),
    pollMinMs,
    pollMaxMs: env.int('RELAY_POLL_MAX_MS', 25, { min: pollMinMs, max: 60_000 }),
    backoffBaseMs,
    backoffMaxMs: env.int('RELAY_BACKOFF_MAX_MS', 500, { min: backoffBaseMs, max: 600_000 }),
    breakerThreshold: env.int('RELAY_BREAKER_THRESHOLD', 3, { min: 1, max: 1_000 }),
    breakerCooldownMs,
    // Short on purpose: after a heal the next half-open probe must come within about this long.
    breakerMaxCooldownMs: env.int('RELAY_BREAKER_MAX_COOLDOWN_MS', 250, { min: breakerCooldownMs, max: 600_000 }),
    sendTimeoutMs,
  };
}
export type RelayConfig = ReturnType<typeof relayConfig>;
