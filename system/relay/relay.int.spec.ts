// The relay on a real broker and MariaDB: every outbox row published once per claim, in order
// per stream; nothing lost across a broker outage; pickup latency measured.
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../shared/db.ts';
import { createKafka, headersAsText } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import { configureSessions } from '../shared/dbSession.ts';
import {
  dropTopics,
  freshSchema,
  freshTopics,
  harnessSasl,
  readTopic,
  testKafka,
  type TestSchema,
  uniqueName,
  waitFor,
} from '../testing/intSupport.ts';
import { relayMetrics, type RelayMetrics } from './metrics.ts';
import { createRelay, type Relay } from './relay.ts';

let schema: TestSchema;
let pool: Pool;
let kafka: Kafka;

beforeAll(async () => {
  schema = await freshSchema('commands');
  pool = createPool(schema.roleUrl('relay'), { connectionLimit: 4 });
  configureSessions(pool);
  kafka = testKafka('relay-it');
});
afterAll(async () => {
  await pool?.end();
  await schema?.drop();
  await dropTopics();
});

async function insertOutbox(rows: { streamId: string; version: number }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of rows) {
    const eventId = randomUUID();
    ids.push(eventId);
    await schema.admin.query(
      `INSERT INTO outbox (event_id, stream_id, stream_version, type, schema_version, occurred_at, correlation_id, causation_id, traceparent, payload)
       VALUES (?, ?, ?, ?, 1, UTC_TIMESTAMP(6), ?, ?, NULL, ?)`,
      [
        eventId,
        r.streamId,
        r.version,
        r.version === 1 ? 'UserRegistered' : 'UserRenamed',
        `corr-${eventId}`,
        `cmd-${eventId}`,
        JSON.stringify(r.version === 1 ? { name: 'n1', dateRegister: '2026-11-28' } : { name: `n${r.version}` }),
      ],
    );
  }
  return ids;
}

function startRelay(topic: string, k: Kafka = kafka): { relay: Relay; metrics: RelayMetrics } {
  const metrics = relayMetrics(new Registry());
  const relay = createRelay({
    kafka: k,
    pool,
    topic,
    metrics,
    dbUrl: schema.roleUrl('relay'),
    batchSize: 50,
    claimBatches: 4,
    claimLeaseMs: 30_000,
    heartbeatMs: 200,
    pollMinMs: 1,
    pollMaxMs: 25,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    breakerThreshold: 3,
    breakerCooldownMs: 100,
    breakerMaxCooldownMs: 250,
    sendTimeoutMs: 5_000,
    backlogRefreshMs: 100,
    logger: getLogger('relay-it', { level: 'error' }),
  });
  return { relay, metrics };
}

const startRelayWithBrokers = (topic: string, brokers: string[]) =>
  startRelay(topic, createKafka({ brokers, clientId: 'relay-it-down', retries: 0, connectionTimeoutMs: 500, sasl: harnessSasl }));

const value = async (m: { get(): Promise<{ values: { value: number }[] }> }) => (await m.get()).values.reduce((s, v) => s + v.value, 0);

function versionsByKey(msgs: KafkaMessage[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of msgs) {
    const k = m.key!.toString();
    out.set(k, [...(out.get(k) ?? []), Number(headersAsText(m.headers)['stream-version'])]);
  }
  return out;
}

describe('relay', () => {
  it('publishes every outbox row, in version order per stream, and marks them published', async () => {
    const { topic } = await freshTopics();
    const streams = Array.from({ length: 10 }, () => randomUUID());
    const rows = [];
    for (let v = 1; v <= 30; v++) for (const s of streams) rows.push({ streamId: s, version: v });
    const ids = await insertOutbox(rows);
    const { relay, metrics } = startRelay(topic);
    await relay.start();
    try {
      const msgs = await readTopic(kafka, topic, (m) => m.length >= 300, 60_000);
      await new Promise((r) => setTimeout(r, 300)); // would-be extra copies arrive too
      expect(new Set(msgs.map((m) => headersAsText(m.headers)['event-id']))).toEqual(new Set(ids));
      for (const [, versions] of versionsByKey(msgs)) expect(versions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const [left] = await schema.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
      expect(Number(left[0]!.n)).toBe(0);
      expect(await value(metrics.published)).toBe(300);
      await waitFor(async () => (await value(metrics.backlog)) === 0, { what: 'backlog gauge 0' });
    } finally {
      await relay.stop();
    }
  });

  it('picks up new rows within a few poll periods (measured)', async () => {
    const { topic } = await freshTopics();
    const { relay } = startRelay(topic);
    const seen = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: uniqueName('it-latency') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.set(headersAsText(message.headers)['event-id']!, Date.now()) });
    await relay.start();
    try {
      const inserted = new Map<string, number>();
      const s = randomUUID();
      for (let v = 1; v <= 60; v++) {
        const [id] = await insertOutbox([{ streamId: s, version: v }]);
        inserted.set(id!, Date.now());
        await new Promise((r) => setTimeout(r, v % 10 === 0 ? 400 : 15)); // bursts and idle gaps
      }
      await waitFor(() => seen.size >= 60, { timeoutMs: 30_000, what: 'all 60 consumed' });
      const lat = [...inserted].map(([id, t]) => seen.get(id)! - t).sort((a, b) => a - b);
      const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
      // Includes the consumer's own fetch latency, so it is an upper bound on the relay's share.
      console.info(`relay pickup→consume latency ms: p50=${p(0.5)} p90=${p(0.9)} p99=${p(0.99)} max=${lat[lat.length - 1]}`);
      expect(p(0.5)).toBeLessThan(500);
    } finally {
      await relay.stop();
      await consumer.disconnect();
    }
  });

  it('keeps rows through a broker outage (breaker opens, backlog visible), then publishes them all', async () => {
    const { topic } = await freshTopics();
    const s = randomUUID();
    await insertOutbox(Array.from({ length: 20 }, (_, i) => ({ streamId: s, version: i + 1 })));
    const down = startRelayWithBrokers(topic, ['127.0.0.1:29199']); // nothing listens there
    await down.relay.start();
    try {
      await waitFor(async () => (await value(down.metrics.breakerState)) === 2, { timeoutMs: 30_000, what: 'breaker open' });
      expect(await value(down.metrics.publishErrors)).toBeGreaterThanOrEqual(3);
      await waitFor(async () => (await value(down.metrics.backlog)) >= 20, { what: 'backlog gauge' });
      expect(await value(down.metrics.oldestAge)).toBeGreaterThan(0);
      const [rows] = await schema.admin.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n, MIN(attempts) AS a FROM outbox WHERE stream_id = ? AND published_at IS NULL',
        [s],
      );
      expect(Number(rows[0]!.n)).toBe(20);
      expect(Number(rows[0]!.a)).toBeGreaterThan(0); // failed attempts are counted
    } finally {
      await down.relay.stop();
    }
    const up = startRelay(topic);
    await up.relay.start();
    try {
      const msgs = await readTopic(kafka, topic, (m) => m.length >= 20, 30_000);
      expect(versionsByKey(msgs).get(s)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await up.relay.stop();
    }
  });
});
