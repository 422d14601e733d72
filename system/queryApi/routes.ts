// The query API's routes on the shared HTTP shell. Every user answer carries the stream version
// it reflects (also as an ETag-like `X-Stream-Version` header).
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'mysql2/promise';
import { NotFoundError } from '../shared/errors.ts';
import { getUser, listUsers, projectionStatus } from './readModel.ts';

export const MAX_PAGE_SIZE = 100;

export function registerQueryRoutes(app: FastifyInstance, pool: Pool): void {
  app.get<{ Params: { id: string } }>(
    '/users/:id',
    { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } } },
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
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 },
            includeDeleted: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (req) => {
      const { page, pageSize, includeDeleted } = req.query;
      const { items, total } = await listUsers(pool, { page, pageSize, includeDeleted });
      return { items, page, pageSize, total };
    },
  );

  app.get('/projection/status', async () => projectionStatus(pool));
}
