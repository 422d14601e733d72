// The query API over a real `queries` schema, read with the least-privilege query_api account.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { buildHttpServer } from '../shared/httpServer.ts';
import { getLogger } from '../shared/logger.ts';
import { Registry } from 'prom-client';
import { freshSchema, type TestSchema } from '../testing/intSupport.ts';
import { projectionStatus } from './readModel.ts';
import { registerQueryRoutes } from './routes.ts';
import type { Watermarks } from './watermarks.ts';

let schema: TestSchema;
let pool: Pool;
let app: FastifyInstance;
/** What the broker says, as the test sets it. */
let ends: Watermarks = { ok: false, reason: 'not set' };
const REPORT_MAX_AGE_MS = 5_000;
const partitionEnds = (...highs: number[]): Watermarks => ({
  ok: true,
  partitions: highs.map((h, partition) => ({ partition, low: 0n, high: BigInt(h) })),
});

beforeAll(async () => {
  schema = await freshSchema('queries');
  for (let i = 1; i <= 25; i++) {
    await schema.admin.query(
      'INSERT INTO USER_DATA (ID_USER_DATA, NAME, DATE_REGISTER, VERSION, APPLIED_COUNT, DELETED) VALUES (?, ?, ?, ?, ?, ?)',
      [`u${String(i).padStart(2, '0')}`, `name ${i}`, '2026-11-28', (i % 3) + 1, (i % 3) + 1, i === 25 ? 1 : 0],
    );
  }
  await schema.admin.query(
    "INSERT INTO projection_checkpoint (group_id, topic, kafka_partition, last_offset, high_watermark) VALUES ('projector', 'user-events', 0, 41, 50), ('projector', 'user-events', 1, 9, 10)",
  );
  pool = createPool(schema.roleUrl('query_api'), { connectionLimit: 2 });
  app = buildHttpServer({ service: 'query-api-it', logger: getLogger('query-api-it', { level: 'warn' }), registry: new Registry() });
  registerQueryRoutes(app, pool, () =>
    projectionStatus(pool, { groupId: 'projector', topic: 'user-events', reportMaxAgeMs: REPORT_MAX_AGE_MS, watermarks: async () => ends }),
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
  await schema?.drop();
});

describe('query API', () => {
  it('GET /users/:id returns the user with the version it reflects', async () => {
    const res = await app.inject({ method: 'GET', url: '/users/u04' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'u04',
      name: 'name 4',
      dateRegister: '2026-11-28',
      version: 2,
      appliedCount: 2,
      deleted: false,
    });
    expect(res.headers['x-stream-version']).toBe('2');
  });

  it('GET /users/:id answers 404 for an unknown user', async () => {
    const res = await app.inject({ method: 'GET', url: '/users/nobody' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('USER_NOT_FOUND');
  });

  it('GET /users pages through live users in id order', async () => {
    const p1 = (await app.inject({ method: 'GET', url: '/users?page=1&pageSize=10' })).json();
    const p3 = (await app.inject({ method: 'GET', url: '/users?page=3&pageSize=10' })).json();
    expect(p1.total).toBe(24); // u25 is deleted
    expect(p1.items.map((u: { id: string }) => u.id)).toEqual(Array.from({ length: 10 }, (_, i) => `u${String(i + 1).padStart(2, '0')}`));
    expect(p3.items).toHaveLength(4);
    const all = (await app.inject({ method: 'GET', url: '/users?pageSize=100&includeDeleted=true' })).json();
    expect(all.total).toBe(25);
  });

  it.each(['/users?page=0', '/users?pageSize=101', '/users?page=abc', '/users?bogus=1', `/users/${'x'.repeat(65)}`])(
    'answers 400 to %s',
    async (url) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(400);
    },
  );

  it('GET /projection/status reports offsets and the lag from the live high watermark, every partition of the topic', async () => {
    ends = partitionEnds(50, 10, 4);
    const res = await app.inject({ method: 'GET', url: '/projection/status' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.partitions).toEqual([
      expect.objectContaining({ partition: 0, lastAppliedOffset: 41, highWatermark: 50, lag: 8 }),
      expect.objectContaining({ partition: 1, lastAppliedOffset: 9, highWatermark: 10, lag: 0 }),
      // Never checkpointed: listed, its whole log behind.
      expect.objectContaining({ partition: 2, lastAppliedOffset: null, highWatermark: 4, lag: 4, updatedAt: null }),
    ]);
    expect(body.lag).toBe(12);
    // Behind, and no projector has ever reported on it.
    expect(body.stalled).toBe(true);
    expect(body.reasons).toEqual([
      'user-events/0: 8 record(s) behind and the projector has never reported',
      'user-events/2: 4 record(s) behind and the projector has never reported',
    ]);
    expect(body).toMatchObject({ parked: 0, openDeadLetters: 0 });
  });

  it('GET /projection/status takes the live high watermark and stall the projector reported, and parked gaps', async () => {
    ends = partitionEnds(90, 10, 0);
    await schema.admin.query(
      `INSERT INTO projector_health (group_id, topic, kafka_partition, next_offset, high_watermark, lag, stalled_since, checked_at) VALUES
         ('projector', 'user-events', 0, 42, 90, 48, CURRENT_TIMESTAMP(6) - INTERVAL 5 SECOND, CURRENT_TIMESTAMP(6)),
         ('projector', 'user-events', 1, 10, 10, 0, NULL, CURRENT_TIMESTAMP(6)),
         ('projector', 'user-events', 2, 0, 0, 0, NULL, CURRENT_TIMESTAMP(6))`,
    );
    await schema.admin.query(
      `INSERT INTO parked_events (event_id, stream_id, stream_version, reason, envelope, parked_at) VALUES
         (UUID(), 's1', 3, 'gap', '{}', CURRENT_TIMESTAMP(6) - INTERVAL 7 SECOND), (UUID(), 's2', 2, 'blocked', '{}', CURRENT_TIMESTAMP(6))`,
    );
    try {
      const body = (await app.inject({ method: 'GET', url: '/projection/status' })).json();
      expect(body.partitions[0]).toMatchObject({ partition: 0, lastAppliedOffset: 41, highWatermark: 90, lag: 48 });
      expect(body.partitions[0].stalledSince).not.toBeNull();
      expect(body.partitions[1]).toMatchObject({ partition: 1, lag: 0, stalledSince: null });
      expect(body.stalled).toBe(true);
      expect(body.reasons).toEqual([expect.stringMatching(/^user-events\/0 stalled since .* with 48 record\(s\) behind$/)]);
      expect(body).toMatchObject({ parked: 2, parkedGaps: 1 });
      expect(body.oldestParkedAgeSeconds).toBeGreaterThanOrEqual(6);
    } finally {
      await schema.admin.query('DELETE FROM projector_health');
      await schema.admin.query('DELETE FROM parked_events');
    }
  });

  it('GET /projection/status flags a projector report older than its bound, even one that last said lag 0', async () => {
    ends = partitionEnds(42, 10, 0);
    await schema.admin.query(
      `INSERT INTO projector_health (group_id, topic, kafka_partition, next_offset, high_watermark, lag, stalled_since, checked_at) VALUES
         ('projector', 'user-events', 0, 42, 42, 0, NULL, CURRENT_TIMESTAMP(6) - INTERVAL 9 SECOND),
         ('projector', 'user-events', 1, 10, 10, 0, NULL, CURRENT_TIMESTAMP(6) - INTERVAL 9 SECOND),
         ('projector', 'user-events', 2, 0, 0, 0, NULL, CURRENT_TIMESTAMP(6) - INTERVAL 9 SECOND)`,
    );
    try {
      const body = (await app.inject({ method: 'GET', url: '/projection/status' })).json();
      expect(body.lag).toBe(0);
      expect(body.stalled).toBe(true);
      expect(body.reasons).toHaveLength(3);
      expect(body.reasons[0]).toMatch(/^user-events\/0: no projector report for 9 s \(bound 5000 ms\), 0 record\(s\) behind$/);
      expect(body.partitions[0].reportAgeMs).toBeGreaterThanOrEqual(9_000);
    } finally {
      await schema.admin.query('DELETE FROM projector_health');
    }
  });

  it('GET /projection/status says the lag is unknown, with the reason, when the broker does not answer', async () => {
    ends = { ok: false, reason: 'high watermarks of user-events unavailable: no broker answer within 1500 ms' };
    const body = (await app.inject({ method: 'GET', url: '/projection/status' })).json();
    expect(body.lag).toBe('unknown');
    expect(body.stalled).toBe(true);
    expect(body.reasons[0]).toBe('lag unknown: high watermarks of user-events unavailable: no broker answer within 1500 ms');
    expect(body.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1]); // what the read model knows
    for (const p of body.partitions) {
      expect(p).toMatchObject({ lag: 'unknown', highWatermark: null });
      expect(p.lagUnknownReason).toContain('no broker answer');
    }
  });

  it('serves /openapi.json describing its routes, with the shared name constraints', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(Object.keys(doc.paths).sort()).toEqual(['/projection/status', '/users', '/users/{id}']);
    expect(doc.paths['/users/{id}'].get.responses['200'].content['application/json'].schema.properties.name.maxLength).toBe(255);
  });
});
