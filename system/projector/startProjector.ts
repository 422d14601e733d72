// The projector process as a value: migrations (when an admin URL is given), the read-DB pool,
// the consumer, and the HTTP shell (health, readiness with the stall check, metrics). main.ts
// runs it with signal handling; tests start it in-process and stop it through the handle.
import type { Registry } from 'prom-client';
import { createPool, pingPool } from '../shared/db.ts';
import { configureSessions } from '../shared/dbSession.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { createKafka } from '../shared/kafka.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import type { ProjectorConfig } from './config.ts';
import { projectorMetrics } from './metrics.ts';
import { createProjector, type Projector } from './projector.ts';
import { APPLIED_BY } from './readModelStore.ts';

export interface ProjectorHandle {
  url: string;
  projector: Projector;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** A registry of its own (tests starting several projectors in one process). */
  registry?: Registry;
  /** false: no signal handlers, no process exit (tests). */
  exitOnSignal?: boolean;
  /** Called when the consumer stopped for good (tests); with exitOnSignal, the process exits 1 instead. */
  onFatal?: (err: unknown) => void;
}

export async function startProjector(config: ProjectorConfig, opts: StartOptions = {}): Promise<ProjectorHandle> {
  const logger = opts.logger ?? getLogger('projector', { level: config.logLevel });
  if (config.queriesAdminUrl) {
    const schemaName = new URL(config.queriesDbUrl).pathname.replace(/^\//, '') || 'queries';
    await migrate({ adminUrl: config.queriesAdminUrl, database: 'queries', schemaName, logger });
  }
  // Several statements per round trip: a run's reads in one, its writes in another (projectRun.ts).
  const pool = createPool(config.queriesDbUrl, { connectionLimit: config.dbPoolSize, multipleStatements: true });
  configureSessions(pool, { lockWaitTimeoutS: config.lockWaitTimeoutS });
  const metrics = projectorMetrics(opts.registry);
  // Its counters and its rows in the applied log can then be told apart from other processes'.
  metrics.identity.set({ applied_by: APPLIED_BY }, 1);
  const kafka = createKafka({ brokers: config.brokers, clientId: `projector-${config.groupId}`, logger, sasl: config.kafkaSasl });
  const exit = opts.exitOnSignal ?? true;
  const projector = createProjector({
    ...config,
    kafka,
    pool,
    logger,
    metrics,
    // A consumer that will not restart is a process to restart: exit non-zero (its supervisor
    // starts it again, and the record is read again from the last committed offset).
    onFatal: (err) => {
      opts.onFatal?.(err);
      if (exit) process.exit(1);
    },
  });

  const app = buildHttpServer({
    service: 'projector',
    logger,
    ...(opts.registry ? { registry: opts.registry } : {}),
    readiness: [
      { name: 'queries-db', check: () => pingPool(pool) },
      {
        name: 'kafka',
        check: async () => {
          const failed = projector.failed();
          if (failed !== undefined) throw new Error(failed);
          if (!projector.isReady()) throw new Error('consumer has not joined its group');
        },
      },
      {
        name: 'progress',
        check: async () => {
          const reason = projector.stalled();
          if (reason !== undefined) throw new Error(`stalled: ${reason}`);
        },
      },
    ],
  });
  const shutdown = installGracefulShutdown({
    app,
    logger,
    exit,
    closers: [
      { name: 'projector', close: () => projector.stop() },
      { name: 'queries-db', close: () => pool.end() },
    ],
  });
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  await projector.start();
  logger.info({ url, mode: config.mode, groupId: config.groupId, topic: config.topic }, 'projector started');
  return { url, projector, stop: () => shutdown.shutdown('stop') };
}
