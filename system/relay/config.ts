// The relay's configuration, from the environment, validated once.
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { TOPIC } from '../shared/events.ts';
import { kafkaBrokers } from '../shared/kafka.ts';

export function relayConfig(env: EnvReader) {
  const pollMinMs = env.int('RELAY_POLL_MIN_MS', 5, { min: 1, max: 10_000 });
  const backoffBaseMs = env.int('RELAY_BACKOFF_BASE_MS', 100, { min: 1, max: 60_000 });
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', 8081, { min: 0, max: 65_535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    brokers: kafkaBrokers(env.list('KAFKA_BROKERS')),
    commandsDbUrl: env.url('COMMANDS_DB_URL', ['mysql', 'mariadb']),
    /** When set, `sql/commands` migrations are applied at start with this admin account. */
    commandsAdminUrl: env.optional('COMMANDS_DB_ADMIN_URL') === undefined ? undefined : env.url('COMMANDS_DB_ADMIN_URL', ['mysql', 'mariadb']),
    topic: env.str('KAFKA_TOPIC', TOPIC),
    batchSize: env.int('RELAY_BATCH_SIZE', 100, { min: 1, max: 10_000 }),
    pollMinMs,
    pollMaxMs: env.int('RELAY_POLL_MAX_MS', 100, { min: pollMinMs, max: 60_000 }),
    backoffBaseMs,
    backoffMaxMs: env.int('RELAY_BACKOFF_MAX_MS', 5_000, { min: backoffBaseMs, max: 600_000 }),
    breakerThreshold: env.int('RELAY_BREAKER_THRESHOLD', 3, { min: 1, max: 1_000 }),
    breakerCooldownMs: env.int('RELAY_BREAKER_COOLDOWN_MS', 1_000, { min: 1, max: 600_000 }),
    sendTimeoutMs: env.int('RELAY_SEND_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
}
export type RelayConfig = ReturnType<typeof relayConfig>;
