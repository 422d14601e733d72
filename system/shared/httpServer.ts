// The HTTP shell every process shares: health (live/ready), Prometheus metrics, JSON request logs
// carrying the correlation id, graceful shutdown, and ONE error mapping so that anything the client
// got wrong (malformed JSON, invalid UTF-8, schema violation, oversized body, wrong media type) is a
// 4xx with a reason, never a 5xx. The command service adds its routes; the relay and projector use
// it for health and metrics only.
import { randomUUID } from 'node:crypto';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormatsNs from 'ajv-formats';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { DEFAULTS } from './config.ts';
import { isRetriableDbError } from './db.ts';
import { FaultlineError, MalformedBodyError, MethodNotAllowedError, UnsupportedMediaTypeError, type ErrorBody } from './errors.ts';
import { getLogger, type Logger } from './logger.ts';
import { getRegistry, histogram } from './metrics.ts';
import { shutdownTracing } from './tracing.ts';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID_PATTERN = /^[\x21-\x7e]{1,128}$/; // visible ASCII: safe in logs, headers and SQL columns

export interface ReadinessCheck {
  name: string; // e.g. 'commands-db', 'kafka'
  check: () => Promise<void>; // resolves when ready, rejects with the reason otherwise
  timeoutMs?: number; // default DEFAULTS.readinessCheckTimeoutMs
}

export interface HttpServerOptions {
  service: string;
  logger?: Logger;
  bodyLimitBytes?: number; // default DEFAULTS.bodyLimitBytes
  /** Checked on every GET /health/ready; the array may be appended to after build. */
  readiness?: ReadinessCheck[];
  registry?: Registry;
}

const addFormats = ((addFormatsNs as unknown as { default?: unknown }).default ?? addFormatsNs) as unknown as (a: Ajv) => Ajv;

// ajv counts minLength/maxLength in code points (its default since v8; a unit test holds it), as
// system/shared/fields.ts and utf8mb4 VARCHAR do; patterns compile with the `u` flag.
function makeAjv(opts: AjvOptions): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, unicodeRegExp: true, ...opts });
  addFormats(ajv);
  return ajv;
}

/** The validator the server uses for request bodies (no type coercion); exported for tests. */
export const makeBodyAjv = (): Ajv => makeAjv({ coerceTypes: false });

/** Why a request's content-type charset is refused, or undefined (absent or UTF-8 is fine). */
export function charsetProblem(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  if (!m) return undefined;
  const charset = m[1]!.toLowerCase();
  return charset === 'utf-8' || charset === 'utf8' ? undefined : `charset ${m[1]} is not accepted; send UTF-8`;
}

/** `/users/:id/name` → a RegExp matching concrete paths of that route. */
const routePattern = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  );

/** The correlation id of a request: the client's X-Correlation-Id if well-formed, else a new UUID. */
export function correlationIdOf(headerValue: string | string[] | undefined): string {
  const v = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return v !== undefined && CORRELATION_ID_PATTERN.test(v) ? v : randomUUID();
}

/** Map any error to the HTTP answer. Exported for tests and for handlers that answer by hand. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof FaultlineError) return { status: err.status, body: err.toBody() };
  const e = err as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (e.validation) {
    return {
      status: 400,
      body: { error: 'VALIDATION_FAILED', message: e.message ?? 'request does not match the schema', validation: e.validation },
    };
  }
  switch (e.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        body: { error: 'URI_TOO_LONG', message: `a path segment is longer than ${MAX_PARAM_LENGTH} characters` },
      };
    case 'FST_ERR_BAD_URL':
      return { status: 400, body: { error: 'INVALID_URL', message: 'the path is not a valid percent-encoded URL' } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: { error: 'BODY_TOO_LARGE', message: e.message ?? 'request body is too large' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: 'UNSUPPORTED_MEDIA_TYPE', message: e.message ?? 'unsupported media type; send application/json' },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: { error: 'EMPTY_BODY', message: e.message ?? 'body is empty' } };
    case undefined:
    default:
      break;
  }
  if (err instanceof SyntaxError) return { status: 400, body: { error: 'INVALID_JSON', message: err.message } };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: e.code ?? 'BAD_REQUEST', message: e.message ?? 'bad request' } };
  }
  if (isRetriableDbError(err)) {
    return {
      status: 503,
      body: {
        error: 'DEPENDENCY_UNAVAILABLE',
        message: 'database is unavailable; retry with the same Idempotency-Key',
        dependency: 'database',
      },
    };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error' } };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Longest path parameter the router accepts, in decoded UTF-16 units. Fastify's default (100) cut
 * ids that the schemas allow (64 code points of astral characters are 128 units) with a 414 that
 * the schema never saw; parameters are judged by their schema, and only a segment past any schema
 * limit is refused here.
 */
export const MAX_PARAM_LENGTH = 1024;

/**
 * Only JSON bodies: a JSON text sent as text/plain is a 415, not a string that fails the schema.
 * The parser works on raw bytes: the default one decodes leniently (invalid UTF-8 becomes U+FFFD
 * and would be stored silently); here invalid UTF-8 is a 400 and another charset a 415.
 */
function installJsonOnlyParser(app: FastifyInstance, bodyLimit: number): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req: FastifyRequest, body: Buffer | string, done) => {
    const badCharset = charsetProblem(req.headers['content-type']);
    if (badCharset) return done(new UnsupportedMediaTypeError(req.headers['content-type'], badCharset), undefined);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (bytes.length === 0) return done(null, undefined);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return done(new MalformedBodyError('INVALID_UTF8', 'request body is not valid UTF-8'), undefined);
    }
    // Fastify's default parser answers through its callback; nothing to await.
    void defaultJson(req, text, (err, value) => {
      if (err) return done(new MalformedBodyError('INVALID_JSON', `request body is not valid JSON: ${err.message}`), undefined);
      done(null, value);
    });
  });
}

/**
 * A known path with another method is a 405 naming the methods it has (Allow), not a 404. Answered
 * before the body is parsed: Fastify parses a body for methods that may carry one (QUERY among
 * them) even when no route matches, and answered 400 for a missing content type instead.
 */
function installNotFoundAndNotAllowed(app: FastifyInstance): void {
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const known = routes.find((x) => x.pattern.source === routePattern(r.url).source);
    if (known) for (const m of methods) known.methods.add(m);
    else routes.push({ pattern: routePattern(r.url), methods: new Set(methods) });
  });
  const answer = (req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = req.url.split('?')[0]!;
    const allowed = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]));
    if (allowed.size > 0) {
      const err = new MethodNotAllowedError(req.method, path, [...allowed].sort());
      return reply.status(err.status).header('allow', err.allowed.join(', ')).send(err.toBody());
    }
    return reply.status(404).send({ error: 'ROUTE_NOT_FOUND', message: `no route ${req.method} ${req.url}` });
  };
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return answer(req, reply);
  });
  app.setNotFoundHandler((req, reply) => void answer(req, reply));
}

/** One readiness check, bounded by its timeout: 'ok' or 'error: <reason>'. */
async function runCheck(c: ReadinessCheck): Promise<readonly [string, string]> {
  const timeoutMs = c.timeoutMs ?? DEFAULTS.readinessCheckTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return [c.name, 'ok'] as const;
  } catch (err) {
    return [c.name, `error: ${err instanceof Error ? err.message : String(err)}`] as const;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Which process answered: a restarted process has a new one, so an observer can tell a replaced
 * process from one that only stopped answering for a while (frozen, or its link cut).
 */
const INSTANCE = `${process.pid}-${randomUUID().slice(0, 8)}`;

function registerHealthAndMetrics(app: FastifyInstance, readiness: ReadinessCheck[], registry: Registry): void {
  let draining = false;
  app.addHook('onClose', async () => {
    draining = true;
  });
  app.get('/health/live', async () => ({ status: 'live', instance: INSTANCE }));
  app.get('/health/ready', async (_req, reply) => {
    if (draining) return reply.status(503).send({ status: 'not-ready', failed: ['shutting-down'], checks: {}, instance: INSTANCE });
    const results = await Promise.all(readiness.map(runCheck));
    const checks = Object.fromEntries(results);
    const failed = results.filter(([, r]) => r !== 'ok').map(([n]) => n);
    return reply
      .status(failed.length ? 503 : 200)
      .send({ status: failed.length ? 'not-ready' : 'ready', failed, checks, instance: INSTANCE });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}

export function buildHttpServer(opts: HttpServerOptions): FastifyInstance {
  const logger = opts.logger ?? getLogger(opts.service);
  const registry = opts.registry ?? getRegistry();
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes;
  const httpDuration = histogram<'method' | 'route' | 'status'>({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registry,
  });

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit,
    // One debug line per request (onResponse below); request-scoped log lines carry `correlationId`.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    requestIdHeader: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (an undecodable path, an over-long segment) get the same error body as any 4xx.
    frameworkErrors: (err, _req, reply) => {
      const { status, body } = toHttpError(err);
      void (reply as unknown as FastifyReply).status(status).send(body);
    },
    genReqId: (req) => correlationIdOf(req.headers[CORRELATION_HEADER]),
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  // Bodies: no type coercion ("name": 123 is a type error, not "123"); params/querystring: coerce
  // (they are strings on the wire).
  const bodyAjv = makeBodyAjv();
  const otherAjv = makeAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : otherAjv).compile(schema as object));
  installJsonOnlyParser(app, bodyLimit);

  app.addHook('onRequest', async (req, reply) => {
    reply.header(CORRELATION_HEADER, req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    httpDuration.observe({ method: req.method, route, status }, reply.elapsedTime / 1000);
    // Debug: pino writes stdout synchronously, and one line per command is on the hot path
    // (LOG_LEVEL=debug brings the per-request lines back; failures are logged as errors below).
    req.log.debug(
      { method: req.method, url: req.url, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ error: body.error, reason: body.message }, 'request rejected');
    void reply.status(status).send(body);
  });
  installNotFoundAndNotAllowed(app);
  registerHealthAndMetrics(app, opts.readiness ?? [], registry);
  return app;
}

/** Listen and return the base URL (http://host:port). Port 0 picks a free port. */
export async function listen(app: FastifyInstance, addr: { host: string; port: number }): Promise<string> {
  await app.listen({ host: addr.host, port: addr.port });
  const a = app.server.address();
  const port = typeof a === 'object' && a ? a.port : addr.port;
  return `http://${addr.host}:${port}`;
}

export interface Closer {
  name: string;
  close: () => Promise<void>;
}

export interface GracefulShutdown {
  /** Run once: stop accepting (in-flight requests finish), then closers in order, then flush traces. */
  shutdown(reason: string): Promise<void>;
  addCloser(closer: Closer): void;
}

/**
 * On SIGTERM/SIGINT: close the server (readiness turns 503 at once), run the closers in the order
 * given (e.g. stop consuming, then close producers, then DB pools), flush traces and exit 0.
 * If that takes longer than `timeoutMs`, exit 1. `exit: false` (tests) installs no signal
 * handlers and never exits.
 */
export function installGracefulShutdown(opts: {
  app?: FastifyInstance;
  logger: Logger;
  closers?: Closer[];
  timeoutMs?: number;
  exit?: boolean;
}): GracefulShutdown {
  const closers = [...(opts.closers ?? [])];
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.shutdownTimeoutMs;
  const exit = opts.exit !== false;
  let running: Promise<void> | undefined;

  const run = async (reason: string) => {
    opts.logger.info({ reason }, 'shutting down');
    const force = exit
      ? setTimeout(() => {
          opts.logger.error({ timeoutMs }, 'shutdown timed out; forcing exit');
          process.exit(1);
        }, timeoutMs)
      : undefined;
    force?.unref();
    if (opts.app) await opts.app.close().catch((err: unknown) => opts.logger.error({ err }, 'closing http server failed'));
    for (const c of closers) {
      try {
        await c.close();
      } catch (err) {
        opts.logger.error({ err, closer: c.name }, 'closer failed');
      }
    }
    await shutdownTracing();
    opts.logger.info('shutdown complete');
    if (exit) {
      opts.logger.flush?.();
      process.exit(0);
    }
  };

  const api: GracefulShutdown = {
    shutdown(reason) {
      running ??= run(reason);
      return running;
    },
    addCloser(c) {
      closers.push(c);
    },
  };
  if (exit) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void api.shutdown(sig));
  }
  return api;
}
