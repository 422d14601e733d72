// Relay process: `node --import tsx system/relay/main.ts` (env vars: see config.ts).
import { loadConfig } from '../shared/config.ts';
import { createPool, pingPool } from '../shared/db.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { createKafka } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import { initTracing } from '../shared/tracing.ts';
import { configureSessions } from '../shared/dbSession.ts';
import { relayConfig } from './config.ts';
import { relayMetrics } from './metrics.ts';
import { createRelay } from './relay.ts';

const config = loadConfig(relayConfig);
const logger = getLogger('relay', { level: config.logLevel });
initTracing('relay');

if (config.commandsAdminUrl) {
  const schemaName = new URL(config.commandsDbUrl).pathname.replace(/^\//, '') || 'commands';
  await migrate({ adminUrl: config.commandsAdminUrl, database: 'commands', schemaName, logger });
}

// Two connections: the batch transaction and the backlog gauge.
const pool = createPool(config.commandsDbUrl, { connectionLimit: 2 });
configureSessions(pool);
const kafka = createKafka({ brokers: config.brokers, clientId: 'relay', logger, retries: 1 });
const relay = createRelay({ ...config, kafka, pool, logger, metrics: relayMetrics() });

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
installGracefulShutdown({
  app,
  logger,
  closers: [
    { name: 'relay', close: () => relay.stop() },
    { name: 'commands-db', close: () => pool.end() },
  ],
});
const url = await listen(app, { host: config.httpHost, port: config.httpPort });
await relay.start();
logger.info({ url, topic: config.topic, batchSize: config.batchSize }, 'relay started');
