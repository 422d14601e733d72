// The query API's OpenAPI document states the errors its routes answer, so a client generated
// from it knows a 400 can come back. Built on the real routes; no request reaches the pool.
import type { Pool } from 'mysql2/promise';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../shared/httpServer.ts';
import { getLogger } from '../shared/logger.ts';
import { registerQueryRoutes } from './routes.ts';

type Doc = { paths: Record<string, Record<string, { parameters: unknown[]; responses: Record<string, unknown> }>> };

async function openApi(): Promise<Doc> {
  const app = buildHttpServer({ service: 'query-api-unit', logger: getLogger('unit', { level: 'silent' }), registry: new Registry() });
  registerQueryRoutes(app, {} as Pool, () => Promise.reject(new Error('no status here')));
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  await app.close();
  return res.json() as Doc;
}

describe('query API OpenAPI', () => {
  it('declares 400 on every route that takes parameters, and the error body it carries', async () => {
    const doc = await openApi();
    const withParams = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.parameters.length > 0)
        .map(([method, op]) => ({ route: `${method} ${path}`, codes: Object.keys(op.responses) })),
    );
    expect(withParams.map((r) => r.route).sort()).toEqual(['get /users', 'get /users/{id}']);
    for (const r of withParams) expect(r.codes, r.route).toEqual(expect.arrayContaining(['200', '400', '503']));
    const bad = doc.paths['/users/{id}']!.get!.responses['414'] as { content: { 'application/json': { schema: { required: string[] } } } };
    expect(bad.content['application/json'].schema.required).toEqual(['error', 'message']);
  });

  it('answers a bad page parameter 400 with the reason, as declared', async () => {
    const app = buildHttpServer({ service: 'query-api-unit', logger: getLogger('unit', { level: 'silent' }), registry: new Registry() });
    registerQueryRoutes(app, {} as Pool, () => Promise.reject(new Error('no status here')));
    const res = await app.inject({ method: 'GET', url: '/users?page=0' });
    await app.close();
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringContaining('page') });
  });
});
