// Process entry of the command service. Configuration (env):
//   COMMANDS_DB_URL (required, mysql://command_service:<password>@127.0.0.1:PORT/commands),
//   COMMANDS_DB_ADMIN_URL (optional: run migrations at start), HTTP_HOST (127.0.0.1), HTTP_PORT (8080),
//   PUBLISH_MODE (outbox|dual-write), KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM
//   (dual-write only), KAFKA_TOPIC (user-events),
//   DUAL_WRITE_TIMEOUT_MS, DB_POOL_SIZE, BODY_LIMIT_BYTES, SHUTDOWN_TIMEOUT_MS,
//   GROUP_MAX_COMMANDS (64), GROUP_CONCURRENCY (2), LOCK_RETRY_BUDGET_MS (1000), LOCK_WAIT_TIMEOUT_S (2),
//   QUERY_TIMEOUT_MS (5000), LOG_LEVEL,
//   OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_FILE, FAULTLINE_CRASH_POINTS, FAULTLINE_CRASH_ARM_FILE.
import { loadConfig } from '../shared/config.ts';
import { installCrashPoints } from '../shared/crashPoints.ts';
import { installGracefulShutdown } from '../shared/httpServer.ts';
import { getLogger } from '../shared/logger.ts';
import { initTracing } from '../shared/tracing.ts';
import { readCommandServiceConfig, SERVICE_NAME } from './config.ts';
import { startCommandService } from './commandService.ts';

installCrashPoints();
const config = loadConfig(readCommandServiceConfig);
initTracing(SERVICE_NAME);
const logger = getLogger(SERVICE_NAME);

try {
  const service = await startCommandService(config, logger);
  installGracefulShutdown({ app: service.app, logger, closers: service.closers, timeoutMs: config.shutdownTimeoutMs });
} catch (err) {
  logger.fatal({ err }, 'command service failed to start');
  process.exit(1);
}
