// HTTP → Command mapping. Each route builds the command and its request context (correlation id,
// traceparent, idempotency key, request hash), runs it inside a server span continuing the
// caller's trace, and records outcome metrics. Errors are mapped by the shared error handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError, PreconditionFailedError, StreamDeletedError } from '../shared/errors.ts';
import { toHttpError } from '../shared/httpServer.ts';
import { currentTraceparent, SpanKind, withSpanFromTraceparent } from '../shared/tracing.ts';
import type { Command } from './decide.ts';
import { requestHash, type CommandHandler } from './handleCommand.ts';
import { parseIfMatch, type IfMatch } from './ifMatch.ts';
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

/** The command's expected version, from a parsed If-Match. */
const expectedVersionOf = (m: IfMatch): { expectedVersion?: number } => (m.kind === 'version' ? { expectedVersion: m.version } : {});

/** `If-Match: *` holds only for a user with a current representation: not unknown, not deleted. */
function underIfMatch(err: unknown, m: IfMatch, value: string | undefined): unknown {
  if (m.kind === 'any' && (err instanceof NotFoundError || err instanceof StreamDeletedError)) {
    return new PreconditionFailedError(`If-Match: * needs an existing user; ${err.message}`, value ?? '*');
  }
  return err;
}

export function registerCommandRoutes(app: FastifyInstance, handle: CommandHandler, metrics: CommandMetrics): void {
  async function run(req: FastifyRequest, reply: FastifyReply, command: Command, path: string, condition: IfMatch = { kind: 'none' }) {
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
    } catch (thrown) {
      const err = underIfMatch(thrown, condition, ifMatch);
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
    const condition = parseIfMatch(header(req, 'if-match'));
    return run(
      req,
      reply,
      { type: 'RenameUser', userId, name: req.body.name, ...expectedVersionOf(condition) },
      `/users/${userId}/name`,
      condition,
    );
  });

  app.delete<{ Params: { id: string } }>('/users/:id', { schema: deleteSchema }, async (req, reply) => {
    const userId = req.params.id.toLowerCase();
    const condition = parseIfMatch(header(req, 'if-match'));
    return run(req, reply, { type: 'DeleteUser', userId, ...expectedVersionOf(condition) }, `/users/${userId}`, condition);
  });
}
