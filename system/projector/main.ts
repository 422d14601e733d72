// Projector process: `node --import tsx system/projector/main.ts` (env vars: see config.ts).
import type { RowDataPacket } from 'mysql2';
import { loadConfig } from '../shared/config.ts';
import { createPool, pingPool } from '../shared/db.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { createKafka } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import { migrate } from '../shared/migrate.ts';
import { initTracing } from '../shared/tracing.ts';
import { projectorConfig } from './config.ts';
import { configureSessions } from '../shared/dbSession.ts';
import { projectorMetrics } from './metrics.ts';
import { createProjector } from './projector.ts';

const config = loadConfig(projectorConfig);
const logger = getLogger('projector', { level: config.logLevel });
initTracing('projector');

if (config.queriesAdminUrl) {
  const schemaName = new URL(config.queriesDbUrl).pathname.replace(/^\//, '') || 'queries';
  await migrate({ adminUrl: config.queriesAdminUrl, database: 'queries', schemaName, logger });
}

const pool = createPool(config.queriesDbUrl, { connectionLimit: config.dbPoolSize });
configureSessions(pool, { lockWaitTimeoutS: config.lockWaitTimeoutS });
const metrics = projectorMetrics();
const kafka = createKafka({ brokers: config.brokers, clientId: `projector-${config.groupId}`, logger });
const projector = createProjector({
  ...config,
  kafka,
  pool,
  logger,
  metrics,
  ...(config.crashAfterRecords > 0
    ? {
        isolateRecord: config.crashAfterRecords,
        crashPoint: (n: number) => {
          if (n < config.crashAfterRecords) return;
          logger.warn({ record: n, mode: config.mode }, 'PROJECTOR_CRASH_AFTER_RECORDS reached: SIGKILL');
          logger.flush?.();
          process.kill(process.pid, 'SIGKILL');
        },
      }
    : {}),
});

// Parked / open dead-letter gauges: refreshed on a timer so a scrape never waits on the DB.
const refresh = setInterval(() => {
  pool
    .query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM parked_events WHERE released_at IS NULL) AS parked,
              (SELECT COUNT(*) FROM dead_letters WHERE status = 'open') AS open_dl`,
    )
    .then(([rows]) => {
      metrics.parkedNow.set(Number(rows[0]?.parked ?? 0));
      metrics.openDeadLetters.set(Number(rows[0]?.open_dl ?? 0));
    })
    .catch(() => undefined);
}, 2_000);
refresh.unref();

const app = buildHttpServer({
  service: 'projector',
  logger,
  readiness: [
    { name: 'queries-db', check: () => pingPool(pool) },
    {
      name: 'kafka',
      check: async () => {
        if (!projector.isReady()) throw new Error('consumer has not joined its group');
      },
    },
  ],
});
installGracefulShutdown({
  app,
  logger,
  closers: [
    { name: 'projector', close: () => projector.stop() },
    { name: 'queries-db', close: () => pool.end() },
  ],
});
const url = await listen(app, { host: config.httpHost, port: config.httpPort });
await projector.start();
logger.info({ url, mode: config.mode, groupId: config.groupId, topic: config.topic }, 'projector started');
