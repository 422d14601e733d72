// The command service's configuration, read once from the environment (see main.ts for the list).
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { kafkaSaslConfig, type KafkaSasl } from '../shared/kafka.ts';
import { COMMAND_PUBLISH_MODES, type CommandPublishMode } from '../shared/modes.ts';

export const SERVICE_NAME = 'command-service';

export interface CommandServiceConfig {
  httpHost: string;
  httpPort: number;
  commandsDbUrl: string; // as the least-privilege `command_service` user
  commandsDbAdminUrl: string | undefined; // when set, migrations run at start
  dbPoolSize: number;
  publishMode: CommandPublishMode;
  kafkaBrokers: string[]; // dual-write only
  kafkaSasl?: KafkaSasl | undefined; // dual-write only: its Kafka principal
  kafkaTopic: string;
  dualWriteTimeoutMs: number;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** Group commit: at most this many commands share one transaction. */
  groupMaxCommands: number;
  /** Group commit: at most this many group transactions at once (the rest queue and join the next group). */
  groupConcurrency: number;
  /** Deadlocks and lock-wait timeouts are retried inside the service for this long before a 503. */
  lockRetryBudgetMs: number;
  /** How long one statement waits for a row lock (innodb_lock_wait_timeout) before it is retried. */
  lockWaitTimeoutS: number;
  /** A round trip to `commands` unanswered this long fails (the connection is dropped, the command answers 503). */
  queryTimeoutMs: number;
}

export const COMMAND_DEFAULTS = Object.freeze({
  dualWriteTimeoutMs: 2_000, // 2 seconds
  groupMaxCommands: 64, // commands per transaction
  groupConcurrency: 2, // transactions in flight: one commits while the next reads (more measured no faster on 2 cores)
  lockRetryBudgetMs: 1_000, // 1 second
  lockWaitTimeoutS: 2, // seconds (the server's default, 50 s, outlasts any client's patience)
  queryTimeoutMs: 5_000, // 5 seconds: more than a lock wait plus a slow log flush
});

export function readCommandServiceConfig(env: EnvReader): CommandServiceConfig {
  const publishMode = env.oneOf('PUBLISH_MODE', COMMAND_PUBLISH_MODES, 'outbox');
  const dbPoolSize = env.int('DB_POOL_SIZE', DEFAULTS.dbPoolSize, { min: 1, max: 256 });
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', DEFAULTS.httpPort, { min: 0, max: 65535 }),
    commandsDbUrl: env.url('COMMANDS_DB_URL', ['mysql']),
    commandsDbAdminUrl: env.optional('COMMANDS_DB_ADMIN_URL') === undefined ? undefined : env.url('COMMANDS_DB_ADMIN_URL', ['mysql']),
    dbPoolSize,
    publishMode,
    kafkaBrokers: publishMode === 'dual-write' ? env.list('KAFKA_BROKERS') : env.list('KAFKA_BROKERS', []),
    kafkaSasl: kafkaSaslConfig(env),
    kafkaTopic: env.str('KAFKA_TOPIC', DEFAULTS.kafkaTopic),
    dualWriteTimeoutMs: env.int('DUAL_WRITE_TIMEOUT_MS', COMMAND_DEFAULTS.dualWriteTimeoutMs, { min: 1, max: 600_000 }),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', DEFAULTS.bodyLimitBytes, { min: 64, max: 10_485_760 }),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', DEFAULTS.shutdownTimeoutMs, { min: 0, max: 600_000 }),
    groupMaxCommands: env.int('GROUP_MAX_COMMANDS', COMMAND_DEFAULTS.groupMaxCommands, { min: 1, max: 1_000 }),
    // A group holds a pool connection for its whole transaction.
    groupConcurrency: env.int('GROUP_CONCURRENCY', Math.min(COMMAND_DEFAULTS.groupConcurrency, dbPoolSize), { min: 1, max: dbPoolSize }),
    lockRetryBudgetMs: env.int('LOCK_RETRY_BUDGET_MS', COMMAND_DEFAULTS.lockRetryBudgetMs, { min: 0, max: 60_000 }),
    lockWaitTimeoutS: env.int('LOCK_WAIT_TIMEOUT_S', COMMAND_DEFAULTS.lockWaitTimeoutS, { min: 1, max: 3_600 }),
    queryTimeoutMs: env.int('QUERY_TIMEOUT_MS', COMMAND_DEFAULTS.queryTimeoutMs, { min: 100, max: 3_600_000 }),
  };
}
