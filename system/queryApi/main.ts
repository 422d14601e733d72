// Query API process: `node --import tsx system/queryApi/main.ts` (env vars: see config.ts).
import { loadConfig } from '../shared/config.ts';
import { initTracing } from '../shared/tracing.ts';
import { queryApiConfig } from './config.ts';
import { startQueryApi } from './startQueryApi.ts';

const config = loadConfig(queryApiConfig);
initTracing('query-api');
await startQueryApi(config);
