// HTTP → Command mapping. Each route builds the command and its request context (correlation id,
// traceparent, idempotency key, request hash), runs it inside a server span continuing the
// caller's trace, and records outcome metrics. Errors are mapped by the shared error handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { toHttpError } from '../shared/httpServer.ts';
import { currentTraceparent, SpanKind, withSpanFromTraceparent } from '../shared/tracing.ts';
import type { Command } from './decide.ts';
import { requestHash, type CommandHandler } from './handleCommand.ts';
import type { CommandMetrics } from './metrics.ts';
import { deleteSchema, registerSchema, renameSchema } from './schemas.ts';

interface RegisterBody {
  id?: string;
  name: string;
  dateRegister: string;
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `If-Match: 3`, `"3"` or `W/"3"` → 3 (the schema already checked the shape). */
export function parseIfMatch(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const digits = /([0-9]+)/.exec(v)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

export function registerCommandRoutes(app: FastifyInstance, handle: CommandHandler, metrics: CommandMetrics): void {
  async function run(req: FastifyRequest, reply: FastifyReply, command: Command, path: string) {
    const started = process.hrtime.bigint();
    const idempotencyKey = header(req, 'idempotency-key');
    const ifMatch = header(req, 'if-match');
    try {
      const result = await withSpanFromTraceparent(
        `command ${command.type}`,
        header(req, 'traceparent'),
        async (span) => {
          span.setAttributes({
            'faultline.command': command.type,
            'faultline.stream_id': command.userId,
            'faultline.correlation_id': req.id,
          });
          const traceparent = currentTraceparent();
          return handle(command, {
            correlationId: req.id,
            ...(traceparent ? { traceparent } : {}),
            ...(idempotencyKey ? { idempotencyKey } : {}),
            requestHash: requestHash({ method: req.method, path, ifMatch, body: req.body }),
          });
        },
        { kind: SpanKind.SERVER },
      );
      const outcome = result.replayed ? 'replayed' : 'accepted';
      if (result.replayed) metrics.replays.inc({ command: command.type });
      metrics.commands.inc({ command: command.type, outcome, status: String(result.status) });
      metrics.latency.observe({ command: command.type, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(result.status).header('etag', `"${result.body.version}"`).send(result.body);
    } catch (err) {
      const { status } = toHttpError(err);
      const outcome = status >= 500 ? 'failed' : 'rejected';
      metrics.commands.inc({ command: command.type, outcome, status: String(status) });
      metrics.latency.observe({ command: command.type, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      throw err;
    }
  }

  app.post<{ Body: RegisterBody }>('/users', { schema: registerSchema }, async (req, reply) => {
    const userId = req.body.id?.toLowerCase() ?? uuidv7();
    return run(req, reply, { type: 'RegisterUser', userId, name: req.body.name, dateRegister: req.body.dateRegister }, '/users');
  });

  app.put<{ Params: { id: string }; Body: { name: string } }>('/users/:id/name', { schema: renameSchema }, async (req, reply) => {
    const userId = req.params.id.toLowerCase();
    const expectedVersion = parseIfMatch(header(req, 'if-match'));
    return run(
      req,
      reply,
      { type: 'RenameUser', userId, name: req.body.name, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
      `/users/${userId}/name`,
    );
  });

  app.delete<{ Params: { id: string } }>('/users/:id', { schema: deleteSchema }, async (req, reply) => {
    const userId = req.params.id.toLowerCase();
    const expectedVersion = parseIfMatch(header(req, 'if-match'));
    return run(
      req,
      reply,
      { type: 'DeleteUser', userId, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
      `/users/${userId}`,
    );
  });
}
