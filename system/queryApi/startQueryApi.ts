// The query API process as a value: the read-only pool, a read-only Kafka admin client (live high
// watermarks, through the shared client factory), and the HTTP shell with the query routes.
// main.ts runs it with signal handling; tests start it in-process and stop it through the handle.
import type { Registry } from 'prom-client';
import { createPool, pingPool } from '../shared/db.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { createKafka } from '../shared/kafka.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import type { QueryApiConfig } from './config.ts';
import { registerQueryRoutes } from './routes.ts';
import { statusSource } from './statusSource.ts';
import { watermarkReader } from './watermarks.ts';

export interface QueryApiHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startQueryApi(
  config: QueryApiConfig,
  opts: { logger?: Logger; registry?: Registry; exitOnSignal?: boolean } = {},
): Promise<QueryApiHandle> {
  const logger = opts.logger ?? getLogger('query-api', { level: config.logLevel });
  const pool = createPool(config.queriesDbUrl, { connectionLimit: config.dbPoolSize });
  // Read-only: metadata and ListOffsets. No kafkajs retries: the deadline decides, and a broker
  // that does not answer makes the lag unknown rather than late.
  const kafka = createKafka({
    brokers: config.brokers,
    clientId: 'query-api',
    logger,
    sasl: config.kafkaSasl,
    connectionTimeoutMs: config.kafkaTimeoutMs,
    requestTimeoutMs: config.kafkaTimeoutMs,
    retries: 0,
  });
  const watermarks = watermarkReader({ kafka, topic: config.topic, timeoutMs: config.kafkaTimeoutMs });
  const status = statusSource(
    pool,
    { groupId: config.groupId, topic: config.topic, reportMaxAgeMs: config.reportMaxAgeMs, watermarks: () => watermarks.read() },
    opts.registry,
  );
  const app = buildHttpServer({
    service: 'query-api',
    logger,
    ...(opts.registry ? { registry: opts.registry } : {}),
    readiness: [
      { name: 'queries-db', check: () => pingPool(pool) },
      {
        // Not ready while the read model cannot be vouched for: the same verdict as /projection/status.
        name: 'projection',
        timeoutMs: config.kafkaTimeoutMs + 1_000,
        check: async () => {
          const s = await status.current();
          if (s.stalled) throw new Error(s.reasons.join('; '));
        },
      },
    ],
  });
  registerQueryRoutes(app, pool, () => status.current());
  const shutdown = installGracefulShutdown({
    app,
    logger,
    exit: opts.exitOnSignal ?? true,
    closers: [
      { name: 'kafka', close: () => watermarks.close() },
      { name: 'queries-db', close: () => pool.end() },
    ],
  });
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  logger.info({ url }, 'query api started');
  return { url, stop: () => shutdown.shutdown('stop') };
}
