// The relay process as a function: migrations (when an admin URL is given), the commands pool,
// the Kafka client, the relay loop, and the HTTP server (health, metrics). Returns a handle whose
// stop() ends the loop (claims given back), then closes the server and the pool.
import { createPool, pingPool, type Pool } from '../shared/db.ts';
import { configureSessions } from '../shared/dbSession.ts';
import { buildHttpServer, listen, type Closer } from '../shared/httpServer.ts';
import { createKafka } from '../shared/kafka.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import type { RelayConfig } from './config.ts';
import { relayMetrics } from './metrics.ts';
import { createRelay, type Relay } from './relay.ts';

export interface RunningRelay {
  url: string;
  relay: Relay;
  pool: Pool;
  app: ReturnType<typeof buildHttpServer>;
  /** In order: the relay loop, then the pool (the HTTP server is closed by the caller or stop()). */
  closers: Closer[];
  stop(): Promise<void>;
}

export async function startRelay(
  config: RelayConfig,
  logger: Logger = getLogger('relay', { level: config.logLevel }),
): Promise<RunningRelay> {
  if (config.commandsAdminUrl) {
    const schemaName = new URL(config.commandsDbUrl).pathname.replace(/^\//, '') || 'commands';
    await migrate({ adminUrl: config.commandsAdminUrl, database: 'commands', schemaName, logger });
  }
  // Claims, marks (gathered, one at a time), give-backs and the backlog gauge.
  const pool = createPool(config.commandsDbUrl, { connectionLimit: 4 });
  configureSessions(pool);
  const kafka = createKafka({ brokers: config.brokers, clientId: 'relay', logger, retries: 1, sasl: config.kafkaSasl });
  const relay = createRelay({ ...config, dbUrl: config.commandsDbUrl, kafka, pool, logger, metrics: relayMetrics() });
  const app = buildHttpServer({
    service: 'relay',
    logger,
    readiness: [
      { name: 'commands-db', check: () => pingPool(pool) },
      {
        name: 'kafka',
        check: async () => {
          if (!relay.kafkaHealthy()) throw new Error('circuit breaker is not closed');
        },
      },
    ],
  });
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  await relay.start();
  logger.info({ url, topic: config.topic, batchSize: config.batchSize, owner: relay.owner() }, 'relay started');
  const closers: Closer[] = [
    { name: 'relay', close: () => relay.stop() },
    { name: 'commands-db', close: () => pool.end() },
  ];
  return {
    url,
    relay,
    pool,
    app,
    closers,
    async stop() {
      await app.close();
      for (const c of closers) await c.close().catch(() => undefined);
    },
  };
}
