// The projector, started as its process does (startProjector), on a real broker and MariaDB,
// against records that used to halt it or pass silently: a record too large for the dead-letter
// topic, a consumer that cannot advance, conflicting copies of applied events, forged stream ids,
// values that do not fit their columns, and a version gap left open.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { createPool } from '../shared/db.ts';
import { decodeHeaders } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import {
  asRecord,
  dropTopics,
  envelope,
  freshSchema,
  freshTopics,
  kafkaSettings,
  produce,
  readTopic,
  servers,
  testKafka,
  type TestSchema,
  uniqueName,
  waitFor,
} from '../testing/intSupport.ts';
import { listDeadLetters, parkedSummary, replayDeadLetter } from './deadLetters.ts';
import { DLT_HEADERS } from './dlqRecord.ts';
import { projectorConfig } from './config.ts';
import { startProjector, type ProjectorHandle } from './startProjector.ts';

const STALL_AFTER_MS = 3_000;

interface Setup {
  schema: TestSchema;
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  registry: Registry;
  projector: ProjectorHandle;
  count(sql: string, params?: unknown[]): Promise<number>;
  user(id: string): Promise<RowDataPacket | undefined>;
  close(): Promise<void>;
}

async function setup(extraEnv: Record<string, string> = {}, dlqTopicOverride?: string): Promise<Setup> {
  const schema = await freshSchema('queries');
  const { topic, dlqTopic } = await freshTopics();
  const registry = new Registry();
  const env = {
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    ...kafkaSettings(),
    QUERIES_DB_URL: schema.roleUrl('projector'),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlqTopicOverride ?? dlqTopic,
    KAFKA_GROUP_ID: uniqueName('it-hardening'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    PROJECTOR_BACKOFF_BASE_MS: '50',
    PROJECTOR_BACKOFF_MAX_MS: '300',
    PROJECTOR_LOCK_WAIT_TIMEOUT_S: '1',
    PROJECTOR_STALL_AFTER_MS: String(STALL_AFTER_MS),
    PROJECTOR_PROGRESS_INTERVAL_MS: '200',
    ...extraEnv,
  };
  const logger = getLogger('projector-it', { level: 'error' });
  const projector = await startProjector(loadConfig(projectorConfig, { source: env, exit: false }), {
    logger,
    registry,
    exitOnSignal: false,
  });
  await waitFor(() => projector.projector.isReady(), { what: 'consumer group join' });
  return {
    schema,
    kafka: testKafka('hardening-it'),
    topic,
    dlqTopic: dlqTopicOverride ?? dlqTopic,
    registry,
    projector,
    async count(sql, params = []) {
      const [rows] = await schema.admin.query<RowDataPacket[]>(sql, params);
      return Number(Object.values(rows[0] ?? { n: 0 })[0]);
    },
    async user(id) {
      const [rows] = await schema.admin.query<RowDataPacket[]>('SELECT * FROM USER_DATA WHERE ID_USER_DATA = ?', [id]);
      return rows[0];
    },
    async close() {
      await projector.stop();
      await schema.drop();
    },
  };
}

afterAll(async () => {
  await dropTopics();
});

const register = (id: string, name = 'Ada') => envelope(id, 1, 'UserRegistered', { name, dateRegister: '2026-11-28' });
const rename = (id: string, v: number, name: string) => envelope(id, v, 'UserRenamed', { name });
const gauge = async (registry: Registry, name: string) =>
  (await registry.getSingleMetric(`faultline_${name}`)?.get())?.values.reduce((s, v) => s + v.value, 0);

// 1,045,000 bytes of value and a 3 KB correlation-id header: the main topic takes it, its
// dead-letter copy (plus kafka_dlt-* headers) is larger than the broker's default limit.
const hugeRecord = (key: string) => ({
  key,
  value: Buffer.alloc(1_045_000, 0x7b),
  headers: { 'correlation-id': 'c'.repeat(3_000) },
});

describe('a record larger than the dead-letter topic takes', () => {
  let s: Setup;
  let smallDlq: string;
  beforeAll(async () => {
    // A dead-letter topic without the size override (as an older environment has): only a cut copy fits.
    smallDlq = uniqueName('it-small-dlq');
    const admin = testKafka('it-admin').admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: smallDlq, numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    s = await setup({}, smallDlq);
  });
  afterAll(async () => {
    await s?.close();
    const admin = testKafka('it-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [smallDlq] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('is dead-lettered as a truncated copy, the full bytes in dead_letters, and every stream keeps flowing', async () => {
    const [big, a, b] = [randomUUID(), randomUUID(), randomUUID()];
    await produce(s.kafka, s.topic, [hugeRecord(big), asRecord(register(a)), asRecord(register(b)), asRecord(rename(a, 2, 'after'))]);
    await waitFor(async () => (await s.count('SELECT COUNT(*) FROM dead_letters WHERE stream_id = ?', [big])) === 1, {
      timeoutMs: 60_000,
      what: 'huge record dead-lettered',
    });
    await waitFor(async () => (await s.user(a))?.VERSION === 2 && (await s.user(b)) !== undefined, {
      timeoutMs: 30_000,
      what: 'other streams applied',
    });

    const [row] = (await s.schema.admin.query<RowDataPacket[]>('SELECT * FROM dead_letters WHERE stream_id = ?', [big]))[0];
    expect(row!.topic_copy).toBe('truncated');
    expect(Number(row!.value_length)).toBe(1_045_000);
    expect((row!.record_value as Buffer).length).toBe(1_045_000); // whole, not cut
    // The 3 KB correlation id does not fit its column: its hash and length, not a prefix.
    expect(row!.correlation_id).toMatch(/^sha256:[0-9a-f]{64} length=3000$/);

    const [copy] = await readTopic(s.kafka, smallDlq, (m) => m.length >= 1, 30_000);
    const h = decodeHeaders(copy!.headers);
    expect(copy!.value!.length).toBe(64 * 1024);
    expect(h[DLT_HEADERS.truncated]?.[0]?.toString()).toContain('value 1045000 bytes');
    expect(h[DLT_HEADERS.valueLength]?.[0]?.toString()).toBe('1045000');
    expect(await gauge(s.registry, 'projector_dlq_truncated_total')).toBe(1);
  });
});

describe('a record larger than the broker default, on a sized dead-letter topic', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is dead-lettered whole, with its headers, and other streams keep flowing', async () => {
    const [big, a] = [randomUUID(), randomUUID()];
    await produce(s.kafka, s.topic, [hugeRecord(big), asRecord(register(a))]);
    await waitFor(
      async () => (await s.count("SELECT COUNT(*) FROM dead_letters WHERE stream_id = ? AND topic_copy = 'full'", [big])) === 1,
      { timeoutMs: 60_000, what: 'huge record dead-lettered whole' },
    );
    await waitFor(async () => (await s.user(a)) !== undefined, { what: 'other stream applied' });
    const [copy] = await readTopic(s.kafka, s.dlqTopic, (m) => m.length >= 1, 30_000);
    expect(copy!.value!.length).toBe(1_045_000);
    expect(decodeHeaders(copy!.headers)['correlation-id']?.[0]?.length).toBe(3_000);
  });

  it('dead-letters conflicting copies of applied events with a reason, blocking nothing, and forged stream ids', async () => {
    const k = randomUUID();
    const k1 = register(k, 'real');
    await produce(s.kafka, s.topic, [asRecord(k1)]);
    await waitFor(async () => (await s.user(k)) !== undefined, { what: 'k applied' });
    const otherId = { ...register(k, 'forged'), eventId: randomUUID() }; // version 1 again, another id
    const otherContent = { ...k1, payload: { name: 'tampered', dateRegister: '2026-11-28' } }; // same id, other content
    const forgedStream = register('not-a-uuid');
    await produce(s.kafka, s.topic, [asRecord(otherId), asRecord(otherContent), asRecord(forgedStream), asRecord(rename(k, 2, 'next'))]);
    await waitFor(async () => (await s.user(k))?.VERSION === 2, { what: 'k@2 applied after the conflicts' });
    await waitFor(async () => (await s.count('SELECT COUNT(*) FROM dead_letters WHERE stream_id IN (?, ?)', [k, 'not-a-uuid'])) === 3, {
      what: '3 dead letters',
    });
    const dls = (await listDeadLetters(createPoolFor(s))).filter((d) => d.streamId === k || d.streamId === 'not-a-uuid');
    const conflicts = dls.filter((d) => d.exceptionFqcn === 'faultline.projector.ConflictingEventError');
    expect(conflicts.map((d) => d.exceptionMessage).sort()).toEqual([
      expect.stringMatching(/applied with other content/),
      expect.stringMatching(/version 1 of stream .* was applied by event/),
    ]);
    expect(conflicts.every((d) => !d.blocksStream)).toBe(true);
    expect(dls.find((d) => d.streamId === 'not-a-uuid')?.exceptionMessage).toContain('streamId must be a UUID');
    expect(await s.user(k)).toMatchObject({ NAME: 'next', VERSION: 2, APPLIED_COUNT: 2 });
    expect(await gauge(s.registry, 'projector_conflicts_total')).toBe(2);
  });

  it('stores a version beyond INT and a long key exactly or as hash + length, never clamped or cut', async () => {
    const longKey = `k${'x'.repeat(400)}`;
    const bad = { ...register(randomUUID()), streamVersion: 2 ** 40 };
    await produce(s.kafka, s.topic, [{ key: longKey, value: JSON.stringify(bad) }]);
    await waitFor(async () => (await s.count('SELECT COUNT(*) FROM dead_letters WHERE stream_version = ?', [2 ** 40])) === 1, {
      what: 'dead letter stored',
    });
    const [row] = (await s.schema.admin.query<RowDataPacket[]>('SELECT * FROM dead_letters WHERE stream_version = ?', [2 ** 40]))[0];
    expect(row!.stream_id).toMatch(/^sha256:[0-9a-f]{64} length=401$/);
    expect((row!.record_key as Buffer).toString()).toBe(longKey);
    expect(row!.exception_message).toContain('streamVersion must be an integer in 1..2147483647');
  });

  it('replays a dead-lettered event whose name is 255 emoji (valid by the shared rule), as `npm run dlq -- replay` does', async () => {
    const e = randomUUID();
    const event = register(e, '😀'.repeat(255));
    // As the old projector left it: dead-lettered as a schema violation, its stream blocked.
    await s.schema.admin.query(
      `INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, stream_id, event_id, stream_version, record_key, record_value, headers, exception_fqcn, exception_message, attempts)
       VALUES (?, 0, 999999, ?, ?, 1, ?, ?, '{}', 'faultline.projector.SchemaViolationError', 'payload.name too long', 1)`,
      [s.topic, e, event.eventId, Buffer.from(e), Buffer.from(JSON.stringify(event))],
    );
    const [dl] = (await listDeadLetters(createPoolFor(s))).filter((d) => d.streamId === e);
    expect(await replayDeadLetter(createPoolFor(s), dl!.id, 'effectively-once')).toEqual({ decision: 'apply', released: 0 });
    expect((await s.user(e))?.NAME).toBe('😀'.repeat(255));
  });

  it('exposes a version gap left open: count and oldest age as metrics and in the dlq summary', async () => {
    const g = randomUUID();
    await produce(s.kafka, s.topic, [asRecord(register(g)), asRecord(rename(g, 3, 'three'))]);
    await waitFor(async () => (await gauge(s.registry, 'projector_parked_gap_events')) === 1, { what: 'gap gauge' });
    await waitFor(async () => ((await gauge(s.registry, 'projector_parked_oldest_age_seconds')) ?? 0) > 0.5, { what: 'oldest age grows' });
    const summary = await parkedSummary(createPoolFor(s));
    expect(summary).toMatchObject({ parked: 1, gaps: 1, oldestGapStream: g });
    expect(summary.oldestAgeSeconds).toBeGreaterThan(0.5);
  });
});

describe('a projector that cannot advance', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup({ PROJECTOR_MAX_ATTEMPTS: '0' }); // never gives up: a held lock stalls it
  });
  afterAll(async () => {
    await s?.close();
  });

  it('turns not-ready with the reason, sets the stalled gauge and reports it for the query API within the stall time, and recovers', async () => {
    const d = randomUUID();
    await produce(s.kafka, s.topic, [asRecord(register(d))]);
    await waitFor(async () => (await s.user(d)) !== undefined, { what: 'd registered' });
    const ready = async () => {
      const res = await fetch(`${s.projector.url}/health/ready`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
    };
    expect((await ready()).status).toBe(200);

    // Hold d's row: every apply of d@2 waits out the lock and retries, the partition cannot move.
    const u = new URL(s.schema.adminUrl);
    const locker = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: s.schema.name,
    });
    await locker.beginTransaction();
    await locker.query('SELECT * FROM USER_DATA WHERE ID_USER_DATA = ? FOR UPDATE', [d]);
    try {
      const blockedAt = Date.now();
      await produce(s.kafka, s.topic, [asRecord(rename(d, 2, 'second'))]);
      await waitFor(async () => (await ready()).status === 503, { timeoutMs: STALL_AFTER_MS + 20_000, what: 'readiness 503' });
      const elapsed = Date.now() - blockedAt;
      expect(elapsed).toBeGreaterThanOrEqual(STALL_AFTER_MS - 500);
      expect((await ready()).body.checks.progress).toMatch(
        /stalled: partition \d+ has not advanced from offset \d+ for \d+ s with 1 record\(s\) behind/,
      );
      expect(await gauge(s.registry, 'projector_stalled')).toBe(1);
      // What /projection/status reads (the query API's test covers how it reads it).
      await waitFor(
        async () => (await s.count('SELECT COUNT(*) FROM projector_health WHERE stalled_since IS NOT NULL AND lag = 1')) === 1,
        {
          timeoutMs: 10_000,
          what: 'projector_health stalled',
        },
      );
    } finally {
      await locker.rollback();
      await locker.end();
    }
    await waitFor(async () => (await s.user(d))?.VERSION === 2, { timeoutMs: 30_000, what: 'd@2 applied after the lock is gone' });
    await waitFor(async () => (await ready()).status === 200, { timeoutMs: 10_000, what: 'ready again' });
    expect(await gauge(s.registry, 'projector_stalled')).toBe(0);
  });
});

const pools = new Map<string, ReturnType<typeof createPool>>();
afterAll(async () => {
  for (const p of pools.values()) await p.end();
});
function createPoolFor(s: Setup) {
  let p = pools.get(s.schema.name);
  if (!p) pools.set(s.schema.name, (p = createPool(s.schema.adminUrl, { connectionLimit: 1 })));
  return p;
}
