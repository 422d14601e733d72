// The query API's routes on the shared HTTP shell. Every user answer carries the stream version
// it reflects (also as an ETag-like `X-Stream-Version` header). Each route states its schema, which
// /openapi.json is generated from.
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Pool } from 'mysql2/promise';
import { NotFoundError } from '../shared/errors.ts';
import { dateJsonSchema, nameJsonSchema } from '../shared/fields.ts';
import { serveOpenApi } from '../shared/openApi.ts';
import { getUser, listUsers, type ProjectionStatus } from './readModel.ts';

export const MAX_PAGE_SIZE = 100;

const userSchema = {
  type: 'object',
  required: ['id', 'name', 'dateRegister', 'version', 'appliedCount', 'deleted', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    name: nameJsonSchema,
    dateRegister: dateJsonSchema,
    version: { type: 'integer', description: 'stream version this answer reflects' },
    appliedCount: { type: 'integer', description: 'applies of this stream; more than version means a duplicate apply' },
    deleted: { type: 'boolean' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A route schema with the OpenAPI `summary` (not in Fastify's type; Fastify ignores it). */
const documented = (s: FastifySchema & { summary: string }): FastifySchema => s;

const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: true,
} as const;

/** What any read can answer besides its own: a bad parameter (400) or the database down (503). */
const readErrors = { 400: errorSchema, 503: errorSchema } as const;

/** `status`: the projection's status (statusSource.ts), shared with readiness and the metrics. */
export function registerQueryRoutes(app: FastifyInstance, pool: Pool, status: () => Promise<ProjectionStatus>): void {
  serveOpenApi(app, { title: 'faultline query API', version: '1' });

  app.get<{ Params: { id: string } }>(
    '/users/:id',
    {
      schema: documented({
        summary: 'One user of the read model',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 200: userSchema, ...readErrors, 404: errorSchema, 414: errorSchema },
      }),
    },
    async (req, reply) => {
      const user = await getUser(pool, req.params.id);
      if (!user) throw new NotFoundError(req.params.id);
      void reply.header('x-stream-version', String(user.version));
      return user;
    },
  );

  app.get<{ Querystring: { page: number; pageSize: number; includeDeleted: boolean } }>(
    '/users',
    {
      schema: documented({
        summary: 'Users in id order, a page at a time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 },
            includeDeleted: { type: 'boolean', default: false },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'page', 'pageSize', 'total'],
            properties: {
              items: { type: 'array', items: userSchema },
              page: { type: 'integer' },
              pageSize: { type: 'integer' },
              total: { type: 'integer' },
            },
          },
          ...readErrors,
        },
      }),
    },
    async (req) => {
      const { page, pageSize, includeDeleted } = req.query;
      const { items, total } = await listUsers(pool, { page, pageSize, includeDeleted });
      return { items, page, pageSize, total };
    },
  );

  app.get(
    '/projection/status',
    {
      schema: documented({
        summary:
          'How far the read model is behind the live high watermark (or unknown, with the reason), every partition of the topic, whether the projector is stalled or silent, parked events and open dead letters',
      }),
    },
    async () => status(),
  );
}
