// The projector on a real broker and MariaDB: poison records, sequenced DLQ (park, replay,
// discard), duplicates per consume mode, and a read DB that fails and heals.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { decodeHeaders } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import { configureSessions } from '../shared/dbSession.ts';
import { discardDeadLetter, listDeadLetters, replayDeadLetter } from './deadLetters.ts';
import type { ConsumeMode } from './decide.ts';
import { readDeadLetterHeaders } from './dlqRecord.ts';
import {
  asRecord,
  dropTopics,
  envelope,
  freshSchema,
  freshTopics,
  produce,
  readTopic,
  testKafka,
  uniqueName,
  waitFor,
  type TestSchema,
} from '../testing/intSupport.ts';
import { projectorMetrics, type ProjectorMetrics } from './metrics.ts';
import { createProjector, type Projector } from './projector.ts';

interface Harness {
  groupId: string;
  schema: TestSchema;
  kafka: Kafka;
  pool: Pool;
  topic: string;
  dlqTopic: string;
  metrics: ProjectorMetrics;
  registry: Registry;
  projector: Projector;
  user(id: string): Promise<RowDataPacket | undefined>;
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

async function startHarness(mode: ConsumeMode, options: { batchMaxRecords?: number } = {}): Promise<Harness> {
  const schema = await freshSchema('queries');
  const { topic, dlqTopic } = await freshTopics();
  const kafka = testKafka('projector-it');
  const pool = createPool(schema.roleUrl('projector'), { connectionLimit: 4 });
  configureSessions(pool, { lockWaitTimeoutS: 1 });
  const registry = new Registry();
  const metrics = projectorMetrics(registry);
  const groupId = uniqueName('it-projector');
  const projector = createProjector({
    ...options,
    kafka,
    pool,
    mode,
    topic,
    dlqTopic,
    metrics,
    groupId,
    maxAttempts: 6,
    backoffBaseMs: 50,
    backoffMaxMs: 300,
    logger: getLogger('projector-it', { level: 'error' }),
  });
  await projector.start();
  await waitFor(() => projector.isReady(), { what: 'consumer group join' });
  return {
    groupId,
    schema,
    kafka,
    pool,
    topic,
    dlqTopic,
    metrics,
    registry,
    projector,
    async user(id) {
      const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT * FROM USER_DATA WHERE ID_USER_DATA = ?', [id]);
      return rows[0];
    },
    async count(sql, params) {
      const [rows] = await schema.admin.query<RowDataPacket[]>(sql, params);
      return Number(Object.values(rows[0] ?? { n: 0 })[0]);
    },
    async close() {
      await projector.stop();
      await pool.end();
      await schema.drop();
      await dropTopics();
    },
  };
}

const metricValue = async (m: { get(): Promise<{ values: { value: number }[] }> }) =>
  (await m.get()).values.reduce((s, v) => s + v.value, 0);

const register = (id: string, name = 'Ada') => envelope(id, 1, 'UserRegistered', { name, dateRegister: '2026-11-28' });
const rename = (id: string, v: number, name: string) => envelope(id, v, 'UserRenamed', { name });

describe('projector, effectively-once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('effectively-once');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('dead-letters garbage, an unknown type and a schema violation with their headers while other streams continue', async () => {
    const [a, b, c, p1, p2, p3] = Array.from({ length: 6 }, () => randomUUID());
    const unknownType = { ...register(p2!), type: 'UserTeleported' };
    const violation = envelope(p3!, 1, 'UserRegistered', { dateRegister: '2026-11-28' }); // no name
    const garbage = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]);
    await produce(h.kafka, h.topic, [
      asRecord(register(a!)),
      { key: p1!, value: garbage, headers: { 'x-origin': 'test', 'correlation-id': 'corr-garbage' } },
      asRecord(rename(a!, 2, 'Ada L.')),
      asRecord(unknownType),
      asRecord(register(b!)),
      asRecord(violation),
      asRecord(register(c!)),
    ]);
    // Streams land on different partitions, consumed in parallel: wait for each.
    await waitFor(
      async () =>
        (await h.user(a!))?.VERSION === 2 &&
        (await h.user(b!)) !== undefined &&
        (await h.user(c!)) !== undefined &&
        (await h.count('SELECT COUNT(*) FROM dead_letters', [])) === 3,
      { what: 'streams applied and 3 dead letters' },
    );
    expect((await h.user(a!))?.NAME).toBe('Ada L.');
    expect((await h.user(b!))?.VERSION).toBe(1);

    const dlq = await readTopic(h.kafka, h.dlqTopic, (m) => m.length >= 3);
    const byKey = new Map(dlq.map((m) => [m.key?.toString(), m]));
    const g = byKey.get(p1!)!;
    expect(g.value).toEqual(garbage); // original bytes preserved
    const gh = decodeHeaders(g.headers);
    expect(gh['x-origin']?.[0]?.toString()).toBe('test'); // original headers preserved
    const info = readDeadLetterHeaders(gh);
    expect(info).toMatchObject({
      originalTopic: h.topic,
      exceptionFqcn: 'faultline.projector.UnparseableRecordError',
      attempts: 1,
      correlationId: 'corr-garbage',
    });
    expect(info.originalPartition).toBeGreaterThanOrEqual(0);
    expect(Number(info.originalOffset)).toBeGreaterThanOrEqual(0);
    expect(readDeadLetterHeaders(decodeHeaders(byKey.get(p2!)!.headers)).exceptionFqcn).toBe('faultline.projector.UnknownEventTypeError');
    const v = readDeadLetterHeaders(decodeHeaders(byKey.get(p3!)!.headers));
    expect(v.exceptionFqcn).toBe('faultline.projector.SchemaViolationError');
    expect(v.exceptionMessage).toContain('payload.name');
    expect(v.correlationId).toBe(violation.correlationId);

    const open = await listDeadLetters(h.pool);
    expect(open.map((d) => d.streamId).sort()).toEqual([p1, p2, p3].sort());
    expect(await metricValue(h.metrics.dlq)).toBe(3);
  });

  it('parks later events of a dead-lettered stream, keeps other streams flowing, and applies them in order after replay', async () => {
    const [d, e] = [randomUUID(), randomUUID()];
    await produce(h.kafka, h.topic, [asRecord(register(d))]);
    await waitFor(async () => (await h.user(d)) !== undefined, { what: 'd registered' });

    // Hold the row lock so every attempt to apply d@2 times out (lock wait 1 s): the budget runs out.
    const u = new URL(h.schema.adminUrl);
    const locker = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: h.schema.name,
    });
    await locker.beginTransaction();
    await locker.query('SELECT * FROM USER_DATA WHERE ID_USER_DATA = ? FOR UPDATE', [d]);
    await produce(h.kafka, h.topic, [asRecord(rename(d, 2, 'second'))]);
    await waitFor(async () => (await h.count("SELECT COUNT(*) FROM dead_letters WHERE stream_id = ? AND status = 'open'", [d])) === 1, {
      timeoutMs: 60_000,
      what: 'd@2 dead-lettered',
    });
    await locker.rollback();
    await locker.end();

    await produce(h.kafka, h.topic, [asRecord(rename(d, 3, 'third')), asRecord(register(e))]);
    await waitFor(async () => (await h.user(e)) !== undefined, { what: 'e applied while d is blocked' });
    await waitFor(
      async () => (await h.count('SELECT COUNT(*) FROM parked_events WHERE stream_id = ? AND released_at IS NULL', [d])) === 1,
      { what: 'd@3 parked' },
    );
    expect((await h.user(d))?.VERSION).toBe(1);
    const [dl] = (await listDeadLetters(h.pool)).filter((x) => x.streamId === d);
    expect(dl).toMatchObject({
      exceptionFqcn: 'faultline.projector.RetriesExhaustedError',
      attempts: 6,
      streamVersion: 2,
      parkedBehind: 1,
    });
    expect(await metricValue(h.metrics.retries)).toBeGreaterThanOrEqual(5);

    const r = await replayDeadLetter(h.pool, dl!.id, 'effectively-once');
    expect(r).toEqual({ decision: 'apply', released: 1 });
    const row = await h.user(d);
    expect(row).toMatchObject({ VERSION: 3, APPLIED_COUNT: 3, NAME: 'third' });
    const [log] = await h.schema.admin.query<RowDataPacket[]>(
      'SELECT stream_version, source FROM applied_events WHERE stream_id = ? ORDER BY id',
      [d],
    );
    expect(log.map((l) => [l.stream_version, l.source])).toEqual([
      [1, 'kafka'],
      [2, 'replay'],
      [3, 'release'],
    ]);
    await expect(replayDeadLetter(h.pool, dl!.id, 'effectively-once')).rejects.toThrow(/already replayed/);
  });

  it('after a discard, releases the parked events past the discarded one', async () => {
    const f = randomUUID();
    const bad = envelope(f, 2, 'UserRenamed', { name: '' }); // schema violation
    await produce(h.kafka, h.topic, [asRecord(register(f)), asRecord(bad), asRecord(rename(f, 3, 'after discard'))]);
    await waitFor(
      async () => (await h.count('SELECT COUNT(*) FROM parked_events WHERE stream_id = ? AND released_at IS NULL', [f])) === 1,
      { what: 'f@3 parked' },
    );
    const [dl] = (await listDeadLetters(h.pool)).filter((x) => x.streamId === f);
    expect(dl).toMatchObject({ streamVersion: 2, correlationId: bad.correlationId, parkedBehind: 1 }); // read from the invalid envelope
    await expect(replayDeadLetter(h.pool, dl!.id, 'effectively-once')).rejects.toThrow(/still cannot apply/);
    expect(await discardDeadLetter(h.pool, dl!.id, 'effectively-once')).toEqual({ released: 1 });
    expect(await h.user(f)).toMatchObject({ VERSION: 3, NAME: 'after discard', APPLIED_COUNT: 2 });
  });

  it('after discarding a forged record, applies the genuine event that carries the same version', async () => {
    const g = randomUUID();
    const forged = envelope(g, 2, 'UserRenamed', { name: '' }); // never applicable, at the stream's next version
    await produce(h.kafka, h.topic, [
      asRecord(register(g)),
      asRecord(forged),
      asRecord(rename(g, 2, 'genuine 2')),
      asRecord(rename(g, 3, 'genuine 3')),
    ]);
    await waitFor(
      async () => (await h.count('SELECT COUNT(*) FROM parked_events WHERE stream_id = ? AND released_at IS NULL', [g])) === 2,
      { what: 'g@2 and g@3 parked' },
    );
    const [dl] = (await listDeadLetters(h.pool)).filter((x) => x.streamId === g);
    expect(await discardDeadLetter(h.pool, dl!.id, 'effectively-once')).toEqual({ released: 2 });
    expect(await h.user(g)).toMatchObject({ VERSION: 3, NAME: 'genuine 3', APPLIED_COUNT: 3 });
  });

  it('parks a version gap and applies it once the missing version arrives', async () => {
    const g = randomUUID();
    const [g1, g2, g3] = [register(g), rename(g, 2, 'two'), rename(g, 3, 'three')];
    await produce(h.kafka, h.topic, [asRecord(g1), asRecord(g3)]);
    await waitFor(async () => (await h.count("SELECT COUNT(*) FROM parked_events WHERE stream_id = ? AND reason = 'gap'", [g])) === 1, {
      what: 'g@3 parked as a gap',
    });
    expect((await h.user(g))?.VERSION).toBe(1);
    await produce(h.kafka, h.topic, [asRecord(g2)]);
    await waitFor(async () => (await h.user(g))?.VERSION === 3, { what: 'gap filled' });
    expect((await h.user(g))?.NAME).toBe('three');
  });

  it('skips a redelivered event: applied once, visible as skipped', async () => {
    const k = randomUUID();
    const [k1, k2] = [register(k), rename(k, 2, 'two')];
    const before = await metricValue(h.metrics.duplicates);
    await produce(h.kafka, h.topic, [asRecord(k1), asRecord(k1), asRecord(k2), asRecord(k2)]);
    await waitFor(async () => (await h.user(k))?.VERSION === 2 && (await metricValue(h.metrics.duplicates)) - before === 2, {
      what: 'k applied, 2 duplicates',
    });
    expect(await h.count('SELECT COUNT(*) FROM applied_events WHERE stream_id = ?', [k])).toBe(2);
    expect((await h.user(k))?.APPLIED_COUNT).toBe(2);
  });

  it('survives the read DB refusing writes (revoked grant), then applies the event exactly once', async () => {
    const m = randomUUID();
    const grantee = "'projector'@'127.0.0.1'";
    const before = await metricValue(h.metrics.retries);
    await h.schema.admin.query(`REVOKE INSERT ON \`${h.schema.name}\`.applied_events FROM ${grantee}`);
    try {
      await produce(h.kafka, h.topic, [asRecord(register(m))]);
      await waitFor(async () => (await metricValue(h.metrics.retries)) - before >= 2, { what: 'retries during the failure' });
      expect(await h.user(m)).toBeUndefined(); // the failed transaction left nothing behind
    } finally {
      await h.schema.admin.query(`GRANT INSERT ON \`${h.schema.name}\`.applied_events TO ${grantee}`);
    }
    await waitFor(async () => (await h.user(m)) !== undefined, { what: 'm applied after the heal' });
    expect(await h.count('SELECT COUNT(*) FROM applied_events WHERE stream_id = ?', [m])).toBe(1);
    expect(await h.count('SELECT COUNT(*) FROM dead_letters WHERE stream_id = ?', [m])).toBe(0);
  });

  it('keeps a per-partition checkpoint with the high watermark', async () => {
    const [rows] = await h.schema.admin.query<RowDataPacket[]>('SELECT * FROM projection_checkpoint WHERE topic = ?', [h.topic]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number(r.high_watermark)).toBeGreaterThan(Number(r.last_offset));
  });
});

describe('projector, at-least-once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('at-least-once');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('applies a redelivered event again, so the duplicate is visible in data, without moving the state back', async () => {
    const k = randomUUID();
    const [k1, k2] = [register(k, 'one'), rename(k, 2, 'two')];
    await produce(h.kafka, h.topic, [asRecord(k1), asRecord(k2), asRecord(k1)]);
    await waitFor(async () => (await h.count('SELECT COUNT(*) FROM applied_events WHERE stream_id = ?', [k])) === 3, { what: '3 applies' });
    expect(await h.user(k)).toMatchObject({ VERSION: 2, APPLIED_COUNT: 3, NAME: 'two' });
    expect(await h.count('SELECT COUNT(*) FROM applied_events WHERE event_id = ?', [k1.eventId])).toBe(2);
    expect(await metricValue(h.metrics.reapplied)).toBe(1);
  });
});

describe('projector, offsets', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('effectively-once', { batchMaxRecords: 3 }); // many chunks, many commits per partition
  });
  afterAll(async () => {
    await h?.close();
  });

  it('commits every partition up to its last applied record, whatever the order commits were answered in', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await produce(
      h.kafka,
      h.topic,
      ids.flatMap((id) => [asRecord(register(id)), asRecord(rename(id, 2, 'two'))]),
    );
    await waitFor(async () => (await h.count('SELECT COUNT(*) FROM applied_events', [])) === 40, { what: '40 applies' });
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map((await admin.fetchTopicOffsets(h.topic)).map((p) => [p.partition, p.high]));
      expect([...ends.values()].filter((high) => Number(high) > 3).length).toBeGreaterThan(0); // some partition needed several chunks
      await waitFor(
        async () => {
          const [committed] = await admin.fetchOffsets({ groupId: h.groupId, topics: [h.topic] });
          return committed!.partitions.every((p) => p.offset === ends.get(p.partition));
        },
        { what: 'committed offsets at the end of every partition' },
      );
    } finally {
      await admin.disconnect();
    }
  });
});
