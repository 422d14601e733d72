// One pino JSON logger per process, so every line is machine-readable and carries `service`;
// request-scoped children carry `correlationId` so a command can be followed across processes.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

const loggers = new Map<string, Logger>();

/** The process logger for `service` (level from LOG_LEVEL, default info). Cached per service name. */
export function getLogger(service: string, opts: { level?: string } = {}): Logger {
  const cached = loggers.get(service);
  if (cached) return cached;
  const logger = pino({
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  loggers.set(service, logger);
  return logger;
}

/** A child logger whose every line carries the correlation id (plus any extra bindings). */
export function withCorrelation(logger: Logger, correlationId: string, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ correlationId, ...bindings });
}
