// Assembles the command service from its configuration: pool, (dual-write) publisher, handler
// with group commit, HTTP server with routes, readiness checks and closers. `main.ts` runs it as a
// process; the integration tests start it in-process with port 0.
import type { FastifyInstance } from 'fastify';
import { createPool, pingPool, type Pool } from '../shared/db.ts';
import { buildHttpServer, listen, type Closer, type ReadinessCheck } from '../shared/httpServer.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import { SERVICE_NAME, type CommandServiceConfig } from './config.ts';
import { getDualWritePublisher, type EventPublisher } from './dualWritePublisher.ts';
import { getCommandHandler } from './handleCommand.ts';
import { getCommandMetrics } from './metrics.ts';
import { serveOpenApi } from '../shared/openApi.ts';
import { registerCommandRoutes } from './routes.ts';

export { readCommandServiceConfig, SERVICE_NAME, type CommandServiceConfig } from './config.ts';

export interface RunningCommandService {
  app: FastifyInstance;
  url: string;
  pool: Pool;
  closers: Closer[]; // in order: publisher, pool (the HTTP server is closed first)
  /** Stops accepting, lets in-flight requests finish, then runs the closers. */
  stop(): Promise<void>;
}

async function migrateIfAsked(config: CommandServiceConfig, logger: Logger): Promise<void> {
  if (!config.commandsDbAdminUrl) return;
  const schemaName = new URL(config.commandsDbUrl).pathname.replace(/^\//, '') || 'commands';
  const result = await migrate({ adminUrl: config.commandsDbAdminUrl, database: 'commands', schemaName, logger });
  logger.info(result, 'migrations checked');
}

export async function startCommandService(
  config: CommandServiceConfig,
  logger: Logger = getLogger(SERVICE_NAME),
): Promise<RunningCommandService> {
  await migrateIfAsked(config, logger);
  // READ COMMITTED: decisions read their streams with FOR UPDATE (current, locked rows) and new
  // streams and keys are guarded by unique keys, so no anomaly is admitted; it avoids the gap
  // locks REPEATABLE READ takes on absent rows, which would deadlock concurrent registrations.
  const pool = createPool(config.commandsDbUrl, {
    connectionLimit: config.dbPoolSize,
    multipleStatements: true,
    isolation: 'READ-COMMITTED',
    lockWaitTimeoutS: config.lockWaitTimeoutS,
  });
  const metrics = getCommandMetrics();
  const publisher: EventPublisher | undefined =
    config.publishMode === 'dual-write'
      ? getDualWritePublisher({
          brokers: config.kafkaBrokers,
          sasl: config.kafkaSasl,
          topic: config.kafkaTopic,
          logger,
          timeoutMs: config.dualWriteTimeoutMs,
        })
      : undefined;
  const handle = getCommandHandler({
    pool,
    publishMode: config.publishMode,
    logger,
    ...(publisher ? { publisher } : {}),
    group: {
      maxCommands: config.groupMaxCommands,
      concurrency: config.groupConcurrency,
      lockRetryBudgetMs: config.lockRetryBudgetMs,
      queryTimeoutMs: config.queryTimeoutMs,
    },
    onDualWriteFailure: () => metrics.dualWriteFailures.inc(),
    onGroup: (size, seconds) => {
      metrics.groupSize.observe(size);
      metrics.groupSeconds.observe(seconds);
    },
  });
  const readiness: ReadinessCheck[] = [{ name: 'commands-db', check: () => pingPool(pool) }];
  if (publisher) readiness.push({ name: 'kafka', check: publisher.ready });
  const app = buildHttpServer({ service: SERVICE_NAME, logger, bodyLimitBytes: config.bodyLimitBytes, readiness });
  serveOpenApi(app, { title: 'faultline command service', version: '1' });
  registerCommandRoutes(app, handle, metrics);
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  logger.info(
    { url, publishMode: config.publishMode, groupMaxCommands: config.groupMaxCommands, groupConcurrency: config.groupConcurrency },
    'command service listening',
  );
  const closers: Closer[] = [
    ...(publisher ? [{ name: 'kafka-producer', close: publisher.close }] : []),
    { name: 'commands-db-pool', close: () => pool.end() },
  ];
  return {
    app,
    url,
    pool,
    closers,
    async stop() {
      await app.close();
      for (const c of closers) await c.close().catch(() => undefined);
    },
  };
}
