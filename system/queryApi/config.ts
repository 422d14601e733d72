// The query API's configuration, from the environment, validated once.
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { kafkaSaslConfig } from '../shared/kafka.ts';

export function queryApiConfig(env: EnvReader) {
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', 8083, { min: 0, max: 65_535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    queriesDbUrl: env.url('QUERIES_DB_URL', ['mysql', 'mariadb']),
    dbPoolSize: env.int('DB_POOL_SIZE', DEFAULTS.dbPoolSize, { min: 1, max: 256 }),
    /** Its Kafka principal (`query-api`: Describe on the events topic only), for a metadata client. */
    kafkaSasl: kafkaSaslConfig(env),
  };
}
export type QueryApiConfig = ReturnType<typeof queryApiConfig>;
