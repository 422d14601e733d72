// Assembles the command service from its configuration: pool, (dual-write) publisher, handler,
// HTTP server with routes, readiness checks and closers. `main.ts` runs it as a process; the
// integration tests start it in-process with port 0.
import type { FastifyInstance } from 'fastify';
import { DEFAULTS, type EnvReader } from '../shared/config.ts';
import { createPool, pingPool, type Pool } from '../shared/db.ts';
import { buildHttpServer, listen, type Closer, type ReadinessCheck } from '../shared/httpServer.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import { getDualWritePublisher, type EventPublisher } from './dualWritePublisher.ts';
import { getCommandHandler, type PublishMode } from './handleCommand.ts';
import { getCommandMetrics } from './metrics.ts';
import { serveOpenApi } from './openapi.ts';
import { registerCommandRoutes } from './routes.ts';

export const SERVICE_NAME = 'command-service';

export interface CommandServiceConfig {
  httpHost: string;
  httpPort: number;
  commandsDbUrl: string; // as the least-privilege `command_service` user
  commandsDbAdminUrl: string | undefined; // when set, migrations run at start
  dbPoolSize: number;
  publishMode: PublishMode;
  kafkaBrokers: string[]; // dual-write only
  kafkaTopic: string;
  dualWriteTimeoutMs: number;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
}

export function readCommandServiceConfig(env: EnvReader): CommandServiceConfig {
  const publishMode = env.oneOf('PUBLISH_MODE', ['outbox', 'dual-write'] as const, 'outbox');
  return {
    httpHost: env.str('HTTP_HOST', DEFAULTS.httpHost),
    httpPort: env.int('HTTP_PORT', DEFAULTS.httpPort, { min: 0, max: 65535 }),
    commandsDbUrl: env.url('COMMANDS_DB_URL', ['mysql']),
    commandsDbAdminUrl: env.optional('COMMANDS_DB_ADMIN_URL') === undefined ? undefined : env.url('COMMANDS_DB_ADMIN_URL', ['mysql']),
    dbPoolSize: env.int('DB_POOL_SIZE', DEFAULTS.dbPoolSize, { min: 1, max: 256 }),
    publishMode,
    kafkaBrokers: publishMode === 'dual-write' ? env.list('KAFKA_BROKERS') : env.list('KAFKA_BROKERS', []),
    kafkaTopic: env.str('KAFKA_TOPIC', DEFAULTS.kafkaTopic),
    dualWriteTimeoutMs: env.int('DUAL_WRITE_TIMEOUT_MS', 2_000, { min: 1, max: 600_000 }),
    bodyLimitBytes: env.int('BODY_LIMIT_BYTES', DEFAULTS.bodyLimitBytes, { min: 64, max: 10_485_760 }),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', DEFAULTS.shutdownTimeoutMs, { min: 0, max: 600_000 }),
  };
}

export interface RunningCommandService {
  app: FastifyInstance;
  url: string;
  pool: Pool;
  closers: Closer[]; // in order: publisher, pool (the HTTP server is closed first by the caller)
  close(): Promise<void>;
}

export async function startCommandService(config: CommandServiceConfig, logger: Logger = getLogger(SERVICE_NAME)): Promise<RunningCommandService> {
  if (config.commandsDbAdminUrl) {
    const schemaName = new URL(config.commandsDbUrl).pathname.replace(/^\//, '') || 'commands';
    const result = await migrate({ adminUrl: config.commandsDbAdminUrl, database: 'commands', schemaName, logger });
    logger.info(result, 'migrations checked');
  }
  const pool = createPool(config.commandsDbUrl, { connectionLimit: config.dbPoolSize });
  const metrics = getCommandMetrics();
  let publisher: EventPublisher | undefined;
  if (config.publishMode === 'dual-write') {
    publisher = getDualWritePublisher({ brokers: config.kafkaBrokers, topic: config.kafkaTopic, logger, timeoutMs: config.dualWriteTimeoutMs });
  }
  const handle = getCommandHandler({
    pool,
    publishMode: config.publishMode,
    logger,
    ...(publisher ? { publisher } : {}),
    onDualWriteFailure: () => metrics.dualWriteFailures.inc(),
  });
  const readiness: ReadinessCheck[] = [{ name: 'commands-db', check: () => pingPool(pool) }];
  if (publisher) readiness.push({ name: 'kafka', check: publisher.ready });
  const app = buildHttpServer({ service: SERVICE_NAME, logger, bodyLimitBytes: config.bodyLimitBytes, readiness });
  serveOpenApi(app, { title: 'faultline command service', version: '1' });
  registerCommandRoutes(app, handle, metrics);
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  logger.info({ url, publishMode: config.publishMode }, 'command service listening');
  const closers: Closer[] = [
    ...(publisher ? [{ name: 'kafka-producer', close: publisher.close }] : []),
    { name: 'commands-db-pool', close: () => pool.end() },
  ];
  return {
    app,
    url,
    pool,
    closers,
    async close() {
      await app.close();
      for (const c of closers) await c.close().catch(() => undefined);
    },
  };
}
