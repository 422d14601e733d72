// /openapi.json for any of our HTTP services, generated from the Fastify route schemas as routes
// are registered, so the document cannot drift from what is validated. (The command service has
// the same generator in its own folder; this shared copy is what a second service may import.)
import type { FastifyInstance, RouteOptions } from 'fastify';

interface Collected {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parametersOf(schema: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const [where, key] of [
    ['path', 'params'],
    ['header', 'headers'],
    ['query', 'querystring'],
  ] as const) {
    const s = schema[key] as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const [name, sub] of Object.entries(s?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: sub });
    }
  }
  return out;
}

export function buildOpenApiDocument(routes: Collected[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = (paths[toOpenApiPath(r.url)] ??= {});
    const responses = Object.fromEntries(
      Object.entries((r.schema.response as Record<string, unknown>) ?? {}).map(([code, s]) => [
        code,
        { description: code, content: { 'application/json': { schema: s } } },
      ]),
    );
    p[r.method.toLowerCase()] = {
      ...(r.schema.summary ? { summary: r.schema.summary } : {}),
      parameters: parametersOf(r.schema),
      ...(r.schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.schema.body } } } } : {}),
      responses: Object.keys(responses).length ? responses : { 200: { description: 'ok' } },
    };
  }
  return { openapi: '3.0.3', info, paths };
}

/** Call before registering routes: collects every route that has a schema and serves the document. */
export function serveOpenApi(app: FastifyInstance, info: { title: string; version: string }): void {
  const routes: Collected[] = [];
  app.addHook('onRoute', (opts: RouteOptions) => {
    if (!opts.schema || opts.method === 'HEAD') return;
    for (const method of Array.isArray(opts.method) ? opts.method : [opts.method]) {
      routes.push({ method, url: opts.url, schema: opts.schema as Record<string, unknown> });
    }
  });
  let doc: unknown;
  app.get('/openapi.json', async () => (doc ??= buildOpenApiDocument(routes, info)));
}
