// The projector, started as its process does, on the real broker, against records whose headers
// kafkajs itself cannot produce: null values (`kcat -H name`), a name repeated with null and binary
// values among them, null keys and values, invalid UTF-8. Each must be dead-lettered with its exact
// bytes (the `dead_letters` row and the dead-letter topic's copy, headers in order, null kept null)
// while a stream on another partition keeps converging; a record that cannot even be dead-lettered
// must end the consumer for good (the process exits), not leave it spinning or silently stopped.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { RowDataPacket } from 'mysql2';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { headersFromStored, type RecordHeaders, type StoredHeaders } from '../shared/kafka.ts';
import { getLogger } from '../shared/logger.ts';
import { rawProduce, type RawHeaderRecord } from '../testing/rawProduce.ts';
import {
  dropTopics,
  envelope,
  freshSchema,
  freshTopics,
  readTopic,
  servers,
  testKafka,
  uniqueName,
  waitFor,
  type TestSchema,
  kafkaSettings,
} from '../testing/intSupport.ts';
import { projectorConfig } from './config.ts';
import { readDeadLetterHeaders, restoreNullHeaders } from './dlqRecord.ts';
import { startProjector, type ProjectorHandle } from './startProjector.ts';

const STALL_AFTER_MS = 8_000;

interface Setup {
  schema: TestSchema;
  kafka: Kafka;
  topic: string;
  dlqTopic: string;
  projector: ProjectorHandle;
  fatal: unknown[];
  close(): Promise<void>;
}

async function setup(): Promise<Setup> {
  const schema = await freshSchema('queries');
  const { topic, dlqTopic } = await freshTopics();
  const env = {
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    QUERIES_DB_URL: schema.roleUrl('projector'),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlqTopic,
    KAFKA_GROUP_ID: uniqueName('it-headers'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    PROJECTOR_BACKOFF_BASE_MS: '50',
    PROJECTOR_BACKOFF_MAX_MS: '300',
    PROJECTOR_STALL_AFTER_MS: String(STALL_AFTER_MS),
    PROJECTOR_PROGRESS_INTERVAL_MS: '200',
    ...kafkaSettings(),
  };
  const fatal: unknown[] = [];
  const projector = await startProjector(loadConfig(projectorConfig, { source: env, exit: false }), {
    logger: getLogger('projector-headers-it', { level: process.env.IT_LOG ?? 'silent' }),
    registry: new Registry(),
    exitOnSignal: false,
    onFatal: (err) => fatal.push(err),
  });
  await waitFor(() => projector.projector.isReady(), { what: 'consumer group join' });
  return {
    schema,
    kafka: testKafka('headers-it'),
    topic,
    dlqTopic,
    projector,
    fatal,
    async close() {
      await projector.stop();
      await schema.drop();
    },
  };
}

afterAll(async () => {
  await dropTopics();
});

const b = (s: string) => Buffer.from(s, 'utf8');
/** The headers a raw record carries, as the projector must keep them: per name, in order. */
function expectedHeaders(r: RawHeaderRecord): RecordHeaders {
  // A Map, then own properties: a name like `__proto__` must not reach the object's prototype.
  const byName = new Map<string, RecordHeaders[string]>();
  for (const [name, v] of r.headers) byName.set(name, [...(byName.get(name) ?? []), v]);
  return Object.fromEntries(byName);
}
const validRecord = (e: { streamId: string }, headers: RawHeaderRecord['headers'] = []): RawHeaderRecord => ({
  key: b(e.streamId),
  value: b(JSON.stringify(e)),
  headers,
});
const withoutDltHeaders = (h: RecordHeaders) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('kafka_dlt-') && !k.startsWith('faultline-dlt-')));

describe('records with null, repeated and binary header values', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('are dead-lettered with their exact bytes while a stream on another partition keeps converging', async () => {
    const poison: RawHeaderRecord[] = [
      // The report's repro: kcat -P -t user-events -p 0 -H x-null
      { key: null, value: b('poison'), headers: [['x-null', null]] },
      // Null key and value; a name repeated with a null and a binary value between text ones.
      {
        key: null,
        value: null,
        headers: [
          ['x-rep', b('first')],
          ['x-rep', null],
          ['x-rep', Buffer.from([0xff, 0x00, 0xfe])],
          ['x-rep', b('last')],
        ],
      },
      // Names an object already has as members (kafkajs' decoder reads them through the prototype).
      {
        key: null,
        value: b('proto'),
        headers: [
          ['__proto__', b('p')],
          ['valueOf', null],
          ['constructor', b('c1')],
          ['constructor', b('c2')],
        ],
      },
      // Invalid UTF-8 in key, value and header; null traceparent and correlation-id.
      {
        key: Buffer.from([0xc3, 0x28]),
        value: Buffer.from([0xe2, 0x82, 0x28, 0x7b]),
        headers: [
          ['traceparent', null],
          ['correlation-id', null],
          ['x-bin', Buffer.from([0xc0, 0xaf])],
          ['', b('empty name')],
          ['x-empty', Buffer.alloc(0)],
        ],
      },
      // A valid-looking envelope with a bad payload, and null tracing headers.
      {
        key: null,
        value: b(JSON.stringify(envelope(randomUUID(), 1, 'UserRegistered', { name: '', dateRegister: 'never' }))),
        headers: [
          ['traceparent', null],
          ['correlation-id', null],
          ['event-id', Buffer.from([0xff])],
        ],
      },
    ];
    // A valid record whose tracing headers are null is simply applied.
    const quiet = randomUUID();
    const quietEvent = envelope(quiet, 1, 'UserRegistered', { name: 'Quiet', dateRegister: '2026-11-28' });
    const base = await rawProduce(s.kafka, s.topic, 0, [
      ...poison,
      validRecord(quietEvent, [
        ['traceparent', null],
        ['correlation-id', null],
        ['x-rep', null],
        ['x-rep', null],
      ]),
    ]);

    // Meanwhile, a stream on another partition.
    const other = randomUUID();
    const versions = [
      envelope(other, 1, 'UserRegistered', { name: 'v1', dateRegister: '2026-11-28' }),
      ...[2, 3, 4, 5].map((v) => envelope(other, v, 'UserRenamed', { name: `v${v}` })),
    ];
    const started = Date.now();
    await rawProduce(
      s.kafka,
      s.topic,
      1,
      versions.map((e) => validRecord(e)),
    );
    await waitFor(
      async () => {
        const [rows] = await s.schema.admin.query<RowDataPacket[]>('SELECT VERSION FROM USER_DATA WHERE ID_USER_DATA = ?', [other]);
        return Number(rows[0]?.VERSION ?? 0) === 5;
      },
      { timeoutMs: STALL_AFTER_MS, what: 'the stream on partition 1 to converge within the stall bound' },
    );
    expect(Date.now() - started).toBeLessThan(STALL_AFTER_MS);

    // Each poison record: one dead_letters row with its exact key, value and headers.
    await waitFor(
      async () => {
        const [rows] = await s.schema.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM dead_letters');
        return Number(rows[0]!.n) === poison.length;
      },
      { timeoutMs: 30_000, what: 'every poison record dead-lettered' },
    );
    const [rows] = await s.schema.admin.query<RowDataPacket[]>(
      'SELECT kafka_partition, kafka_offset, record_key, record_value, headers, topic_copy FROM dead_letters ORDER BY kafka_offset',
    );
    expect(rows).toHaveLength(poison.length);
    poison.forEach((p, i) => {
      const r = rows[i]!;
      expect({ partition: Number(r.kafka_partition), offset: BigInt(r.kafka_offset) }).toEqual({ partition: 0, offset: base + BigInt(i) });
      expect(r.record_key).toEqual(p.key);
      expect(r.record_value).toEqual(p.value);
      const stored = (typeof r.headers === 'string' ? JSON.parse(r.headers) : r.headers) as StoredHeaders;
      expect(headersFromStored(stored)).toEqual(expectedHeaders(p));
      expect(r.topic_copy).toBe('full');
    });

    // ...and one dead-letter topic record, with the same bytes and headers once the nulls are restored.
    const dlq = await readTopic(s.kafka, s.dlqTopic, (m) => m.length >= poison.length, 30_000);
    expect(dlq).toHaveLength(poison.length);
    const byOffset = new Map(dlq.map((m) => [readDeadLetterHeaders(restoreNullHeaders(m.headers)).originalOffset, m]));
    poison.forEach((p, i) => {
      const copy = byOffset.get(String(base + BigInt(i)));
      expect(copy, `dead-letter copy of offset ${base + BigInt(i)}`).toBeDefined();
      expect(copy!.key).toEqual(p.key);
      expect(copy!.value).toEqual(p.value);
      expect(withoutDltHeaders(restoreNullHeaders(copy!.headers))).toEqual(expectedHeaders(p));
    });

    // The valid record with null tracing headers applied; nothing ended the consumer.
    await waitFor(
      async () => {
        const [u] = await s.schema.admin.query<RowDataPacket[]>('SELECT NAME FROM USER_DATA WHERE ID_USER_DATA = ?', [quiet]);
        return u[0]?.NAME === 'Quiet';
      },
      { what: 'the valid record with null tracing headers applied' },
    );
    expect(s.fatal).toEqual([]);
    expect(s.projector.projector.isReady()).toBe(true);
    expect(s.projector.projector.stalled()).toBeUndefined();
    const ready = await fetch(`${s.projector.url}/health/ready`);
    expect(ready.status).toBe(200);
  });
});

describe('a record that cannot even be dead-lettered', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('ends the consumer for good and tells the process to exit, instead of spinning or sitting unready', async () => {
    // The dead-letter table gone: storing the dead letter fails with an error no retry can mend.
    await s.schema.admin.query('DROP TABLE dead_letters');
    await rawProduce(s.kafka, s.topic, 0, [{ key: null, value: b('poison'), headers: [['x-null', null]] }]);
    await waitFor(() => s.fatal.length > 0, { timeoutMs: 30_000, what: 'the fatal callback' });
    expect(String(s.fatal[0])).toMatch(/could not dead-letter/);
    expect(s.projector.projector.isReady()).toBe(false);
    expect(s.projector.projector.failed()).toMatch(/stopped for good/);
    const ready = await fetch(`${s.projector.url}/health/ready`);
    expect(ready.status).toBe(503);
  });
});
