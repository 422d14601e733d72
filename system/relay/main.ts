// Relay process: `node --import tsx system/relay/main.ts` (env vars: see config.ts).
import { loadConfig } from '../shared/config.ts';
import { installCrashPoints } from '../shared/crashPoints.ts';
import { installGracefulShutdown } from '../shared/httpServer.ts';
import { getLogger } from '../shared/logger.ts';
import { initTracing } from '../shared/tracing.ts';
import { relayConfig } from './config.ts';
import { startRelay } from './startRelay.ts';

installCrashPoints();
const config = loadConfig(relayConfig);
const logger = getLogger('relay', { level: config.logLevel });
initTracing('relay');

try {
  const running = await startRelay(config, logger);
  installGracefulShutdown({ app: running.app, logger, closers: running.closers });
} catch (err) {
  logger.fatal({ err }, 'relay failed to start');
  process.exit(1);
}
