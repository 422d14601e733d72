// The query API's configuration, from the environment, validated once.
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { kafkaBrokers, kafkaSaslConfig } from '../shared/kafka.ts';

export function queryApiConfig(env: EnvReader) {
  const brokers = env.list('KAFKA_BROKERS');
  kafkaBrokers(brokers);
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', 8083, { min: 0, max: 65_535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    queriesDbUrl: env.url('QUERIES_DB_URL', ['mysql', 'mariadb']),
    dbPoolSize: env.int('DB_POOL_SIZE', DEFAULTS.dbPoolSize, { min: 1, max: 256 }),
    /** Read-only: metadata and ListOffsets (live high watermarks), no writes, no group. */
    brokers,
    topic: env.str('KAFKA_TOPIC', DEFAULTS.kafkaTopic),
    /** Whose checkpoints and progress reports `/projection/status` reads. */
    groupId: env.str('KAFKA_GROUP_ID', 'projector'),
    /** A projector report older than this means nobody is watching: the projection is flagged, whatever lag it last had. */
    reportMaxAgeMs: env.int('QUERY_API_REPORT_MAX_AGE_MS', 5_000, { min: 500, max: 3_600_000 }),
    /** The broker must answer the high-watermark read within this, else the lag is reported unknown (with the reason). */
    kafkaTimeoutMs: env.int('QUERY_API_KAFKA_TIMEOUT_MS', 1_500, { min: 100, max: 60_000 }),
    /** Its Kafka principal (`query-api`: Describe on the events topic only), for the metadata client. */
    kafkaSasl: kafkaSaslConfig(env),
  };
}
export type QueryApiConfig = ReturnType<typeof queryApiConfig>;
