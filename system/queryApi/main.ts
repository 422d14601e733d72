// Query API process: `node --import tsx system/queryApi/main.ts` (env vars: see config.ts).
import { loadConfig } from '../shared/config.ts';
import { createPool, pingPool } from '../shared/db.ts';
import { buildHttpServer, installGracefulShutdown, listen } from '../shared/httpServer.ts';
import { getLogger } from '../shared/logger.ts';
import { initTracing } from '../shared/tracing.ts';
import { queryApiConfig } from './config.ts';
import { registerQueryRoutes } from './routes.ts';

const config = loadConfig(queryApiConfig);
const logger = getLogger('query-api', { level: config.logLevel });
initTracing('query-api');

const pool = createPool(config.queriesDbUrl, { connectionLimit: config.dbPoolSize });
const app = buildHttpServer({ service: 'query-api', logger, readiness: [{ name: 'queries-db', check: () => pingPool(pool) }] });
registerQueryRoutes(app, pool);
installGracefulShutdown({ app, logger, closers: [{ name: 'queries-db', close: () => pool.end() }] });
const url = await listen(app, { host: config.httpHost, port: config.httpPort });
logger.info({ url }, 'query api started');
