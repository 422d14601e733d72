// The projector's configuration, from the environment, validated once.
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { DLQ_TOPIC, TOPIC } from '../shared/events.ts';
import { kafkaBrokers, kafkaSaslConfig } from '../shared/kafka.ts';
import { CONSUME_MODES } from './decide.ts';

export function projectorConfig(env: EnvReader) {
  const brokers = env.list('KAFKA_BROKERS');
  kafkaBrokers(brokers);
  const backoffBaseMs = env.int('PROJECTOR_BACKOFF_BASE_MS', 200, { min: 1, max: 60_000 });
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', 8082, { min: 0, max: 65_535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    brokers,
    /** Its Kafka principal (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM). */
    kafkaSasl: kafkaSaslConfig(env),
    queriesDbUrl: env.url('QUERIES_DB_URL', ['mysql', 'mariadb']),
    /** When set, `sql/queries` migrations are applied at start with this admin account. */
    queriesAdminUrl: env.optional('QUERIES_DB_ADMIN_URL') === undefined ? undefined : env.url('QUERIES_DB_ADMIN_URL', ['mysql', 'mariadb']),
    mode: env.oneOf('CONSUME_MODE', CONSUME_MODES, 'effectively-once'),
    groupId: env.str('KAFKA_GROUP_ID', 'projector'),
    topic: env.str('KAFKA_TOPIC', TOPIC),
    dlqTopic: env.str('KAFKA_DLQ_TOPIC', DLQ_TOPIC),
    /** Attempts per record for transient failures before it is dead-lettered; 0 = never give up. */
    maxAttempts: unbounded(env.int('PROJECTOR_MAX_ATTEMPTS', 10, { min: 0, max: 1_000 })),
    /** Time budget for transient failures (ms); when set, it bounds retries instead of the attempt count. */
    retryBudgetMs:
      env.optional('PROJECTOR_RETRY_BUDGET_MS') === undefined
        ? undefined
        : env.int('PROJECTOR_RETRY_BUDGET_MS', 0, { min: 0, max: 3_600_000 }),
    backoffBaseMs,
    backoffMaxMs: env.int('PROJECTOR_BACKOFF_MAX_MS', 5_000, { min: backoffBaseMs, max: 600_000 }),
    lockWaitTimeoutS: env.int('PROJECTOR_LOCK_WAIT_TIMEOUT_S', 5, { min: 1, max: 3_600 }),
    /** A killed projector's partitions move to a new member after this (broker minimum 6 s). */
    sessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', 30_000, { min: 1_000, max: 300_000 }),
    /** An idle fetch returns after this: it bounds how late a rebalance is noticed and a stop waits. */
    fetchMaxWaitMs: env.int('KAFKA_FETCH_MAX_WAIT_MS', 1_000, { min: 10, max: 30_000 }),
    concurrency: env.int('PROJECTOR_CONCURRENCY', 3, { min: 1, max: 64 }),
    /** Most records of one partition per offset commit and per fast-path DB transaction. */
    batchMaxRecords: env.int('PROJECTOR_BATCH_MAX_RECORDS', 500, { min: 1, max: 10_000 }),
    dbPoolSize: env.int('DB_POOL_SIZE', 4, { min: 1, max: 64 }),
    /** Behind the live high watermark and not advancing for this long: readiness 503, stalled gauge. */
    stallAfterMs: env.int('PROJECTOR_STALL_AFTER_MS', 30_000, { min: 100, max: 3_600_000 }),
    /** How often lag and progress are checked against the broker. */
    progressIntervalMs: env.int('PROJECTOR_PROGRESS_INTERVAL_MS', 1_000, { min: 50, max: 60_000 }),
  };
}
export type ProjectorConfig = ReturnType<typeof projectorConfig>;

/** Brokers must be 127.0.0.1:port addresses (proxies in the real environment). */

const unbounded = (n: number) => (n === 0 ? Number.MAX_SAFE_INTEGER : n);
