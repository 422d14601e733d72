import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from './errors.ts';
import { buildHttpServer, charsetProblem, correlationIdOf, MAX_PARAM_LENGTH, toHttpError } from './httpServer.ts';
import { getLogger } from './logger.ts';

function server(readyOk = true) {
  const app = buildHttpServer({
    service: 'unit',
    logger: getLogger('unit', { level: 'silent' }),
    bodyLimitBytes: 100,
    registry: new Registry(),
    readiness: [
      { name: 'db', check: async () => undefined },
      {
        name: 'kafka',
        check: async () => {
          if (!readyOk) throw new Error('broker down');
        },
      },
    ],
  });
  app.post(
    '/echo',
    { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } },
    async (req) => req.body,
  );
  app.get('/missing', async () => {
    throw new NotFoundError('u9');
  });
  app.get('/boom', async () => {
    throw new Error('secret detail');
  });
  return app;
}

describe('httpServer', () => {
  it('answers liveness and readiness, naming the failed check', async () => {
    const ok = await server(true).inject({ method: 'GET', url: '/health/ready' });
    expect(ok.statusCode).toBe(200);
    expect((await server().inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const bad = await server(false).inject({ method: 'GET', url: '/health/ready' });
    expect(bad.statusCode).toBe(503);
    expect(bad.json()).toMatchObject({ status: 'not-ready', failed: ['kafka'], checks: { db: 'ok', kafka: 'error: broker down' } });
  });

  it('serves Prometheus text with the faultline_ prefix', async () => {
    const app = server();
    await app.inject({ method: 'GET', url: '/health/live' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('faultline_http_request_duration_seconds_bucket');
  });

  it('echoes a valid X-Correlation-Id and generates one otherwise', async () => {
    const app = server();
    const given = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-correlation-id': 'abc-123' } });
    expect(given.headers['x-correlation-id']).toBe('abc-123');
    const generated = await app.inject({ method: 'GET', url: '/health/live' });
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdOf('has space')).not.toBe('has space');
    expect(correlationIdOf('x'.repeat(129))).toHaveLength(36);
  });

  it.each([
    ['malformed JSON', '{"n":', 'application/json', 400, 'INVALID_JSON'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'application/json', 400, 'INVALID_UTF8'],
    ['a schema violation', '{"n":"1"}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['a missing field', '{}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['an oversized body', JSON.stringify({ n: 1, pad: 'x'.repeat(200) }), 'application/json', 413, 'BODY_TOO_LARGE'],
    ['a wrong media type', '<n>1</n>', 'application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('answers %s with a 4xx and a reason', async (_label, payload, contentType, status, code) => {
    const res = await server().inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': contentType } });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: code, message: expect.any(String) });
  });

  it('does not coerce body types ("1" is not an integer) but accepts valid bodies', async () => {
    const res = await server().inject({ method: 'POST', url: '/echo', payload: { n: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ n: 1 });
  });

  it('maps domain errors, unknown routes and unexpected errors without leaking details', async () => {
    const app = server();
    expect((await app.inject({ method: 'GET', url: '/missing' })).json()).toMatchObject({ error: 'USER_NOT_FOUND', id: 'u9' });
    expect((await app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret detail');
    expect(toHttpError({ code: 'ECONNREFUSED' }).status).toBe(503);
  });

  it.each([
    ['JSON sent as text/plain', 'text/plain'],
    ['JSON sent as text/plain with a charset', 'text/plain; charset=utf-8'],
    ['a latin1 charset', 'application/json; charset=latin1'],
    ['an ISO-8859-1 charset', 'application/json;charset="ISO-8859-1"'],
    ['a UTF-16 charset', 'application/json; charset=utf-16'],
  ])('refuses %s with 415 and writes nothing', async (_label, contentType) => {
    const app = server();
    let called = 0;
    app.post('/count', async () => ({ n: ++called }));
    const res = await app.inject({ method: 'POST', url: '/count', payload: '{"n":1}', headers: { 'content-type': contentType } });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) });
    expect(called).toBe(0);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF8', 'application/json;charset="utf-8"'])(
    'accepts %s',
    async (contentType) => {
      const res = await server().inject({ method: 'POST', url: '/echo', payload: '{"n":1}', headers: { 'content-type': contentType } });
      expect(res.statusCode).toBe(200);
    },
  );

  it('charsetProblem names the refused charset and accepts UTF-8 or none', () => {
    expect(charsetProblem('application/json; charset=latin1')).toContain('latin1');
    expect(charsetProblem('application/json')).toBeUndefined();
    expect(charsetProblem(undefined)).toBeUndefined();
  });

  it('answers a known path with an unsupported method 405 and an Allow header; an unknown path 404', async () => {
    const app = server();
    app.put('/things/:id/name', async () => ({}));
    app.delete('/things/:id', async () => ({}));
    const del = await app.inject({ method: 'DELETE', url: '/echo' });
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow).toBe('POST');
    expect(del.json()).toMatchObject({ error: 'METHOD_NOT_ALLOWED', allowed: ['POST'] });
    const get = await app.inject({ method: 'GET', url: '/things/abc/name' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('PUT');
    const post = await app.inject({ method: 'POST', url: '/things/abc' });
    expect(post.headers.allow).toBe('DELETE');
    const health = await app.inject({ method: 'POST', url: '/health/ready' });
    expect(health.statusCode).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    expect((await app.inject({ method: 'GET', url: '/things/abc/other' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/things' })).statusCode).toBe(404);
  });

  it.each(['QUERY', 'PROPFIND', 'SEARCH'])('answers %s on a known path 405, with or without a body, before parsing it', async (method) => {
    const app = server();
    for (const payload of [undefined, '{"n":1}']) {
      const res = await app.inject({ method: method as 'GET', url: '/echo', ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.json()).toMatchObject({ error: 'METHOD_NOT_ALLOWED' });
    }
  });

  it('routes a path parameter of 64 astral code points to its schema, and answers a longer segment 414 with a reason', async () => {
    const app = server();
    app.get(
      '/things/:id',
      { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } } } },
      async (req) => ({
        id: (req.params as { id: string }).id,
      }),
    );
    const ok = await app.inject({ method: 'GET', url: `/things/${encodeURIComponent('😀'.repeat(64))}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: '😀'.repeat(64) });
    const long = await app.inject({ method: 'GET', url: `/things/${encodeURIComponent('😀'.repeat(65))}` });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ error: 'VALIDATION_FAILED' });
    const huge = await app.inject({ method: 'GET', url: `/things/${'a'.repeat(MAX_PARAM_LENGTH + 1)}` });
    expect(huge.statusCode).toBe(414);
    expect(huge.json()).toMatchObject({ error: 'URI_TOO_LONG', message: expect.stringContaining(String(MAX_PARAM_LENGTH)) });
    const bad = await app.inject({ method: 'GET', url: '/things/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'INVALID_URL', message: expect.any(String) });
  });
});
