// The query API process as a value: the read-only pool and the HTTP shell with the query routes.
// main.ts runs it with signal handling; tests start it in-process and stop it through the handle.
import type { Registry } from 'prom-client';
import { createPool, pingPool } from '../shared/db.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { getLogger, type Logger } from '../shared/logger.ts';
import type { QueryApiConfig } from './config.ts';
import { registerQueryRoutes } from './routes.ts';

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
  const app = buildHttpServer({
    service: 'query-api',
    logger,
    ...(opts.registry ? { registry: opts.registry } : {}),
    readiness: [{ name: 'queries-db', check: () => pingPool(pool) }],
  });
  registerQueryRoutes(app, pool);
  const shutdown = installGracefulShutdown({
    app,
    logger,
    exit: opts.exitOnSignal ?? true,
    closers: [{ name: 'queries-db', close: () => pool.end() }],
  });
  const url = await listen(app, { host: config.httpHost, port: config.httpPort });
  logger.info({ url }, 'query api started');
  return { url, stop: () => shutdown.shutdown('stop') };
}
