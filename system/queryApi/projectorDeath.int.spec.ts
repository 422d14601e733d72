// The query API, started as its process does, on the real broker, while a real projector process
// is SIGKILLed: `/projection/status`, its `/health/ready` and its lag gauges must say so within
// their configured bound, from the live high watermark, not the dead projector's last word. And a
// query API whose Kafka link is gone says the lag is unknown, with the reason, never 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.ts';
import { getLogger } from '../shared/logger.ts';
import {
  asRecord,
  dropTopics,
  envelope,
  freshSchema,
  freshTopics,
  produce,
  servers,
  testKafka,
  uniqueName,
  waitFor,
  type TestSchema,
  kafkaSettings,
} from '../testing/intSupport.ts';
import { queryApiConfig } from './config.ts';
import { startQueryApi, type QueryApiHandle } from './startQueryApi.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPORT_MAX_AGE_MS = 2_000;
const KAFKA_TIMEOUT_MS = 1_000;

let schema: TestSchema;
let topic: string;
let dlqTopic: string;
const groupId = uniqueName('it-qapi');
const children: ChildProcess[] = [];
const apis: QueryApiHandle[] = [];

beforeAll(async () => {
  schema = await freshSchema('queries');
  ({ topic, dlqTopic } = await freshTopics());
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const a of apis.splice(0)) await a.stop();
});
afterAll(async () => {
  await schema?.drop();
  await dropTopics();
});

function spawnProjector(): { proc: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'system/projector/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      QUERIES_DB_URL: schema.roleUrl('projector'),
      KAFKA_BROKERS: servers.kafkaBrokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: dlqTopic,
      KAFKA_GROUP_ID: groupId,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      PROJECTOR_PROGRESS_INTERVAL_MS: '200',
      ...kafkaSettings(),
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  children.push(proc);
  return { proc, exited: new Promise((r) => proc.on('exit', (_code, signal) => r(signal))) };
}

async function queryApi(brokers: string[]): Promise<{ url: string; registry: Registry }> {
  const registry = new Registry();
  const config = loadConfig(queryApiConfig, {
    source: {
      QUERIES_DB_URL: schema.roleUrl('query_api'),
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: groupId,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      QUERY_API_REPORT_MAX_AGE_MS: String(REPORT_MAX_AGE_MS),
      QUERY_API_KAFKA_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS),
      ...kafkaSettings(),
    },
    exit: false,
  });
  const api = await startQueryApi(config, { logger: getLogger('query-api-it', { level: 'silent' }), registry, exitOnSignal: false });
  apis.push(api);
  return { url: api.url, registry };
}

interface Seen {
  status: {
    stalled: boolean;
    lag: number | 'unknown';
    reasons: string[];
    partitions: { partition: number; lag: number | 'unknown'; checkedAt: string | null }[];
  };
  ready: number;
  stalledGauge: number | undefined;
  lagGauge: number;
  unknownGauge: number | undefined;
}

async function look(url: string, registry: Registry): Promise<Seen> {
  const status = (await (await fetch(`${url}/projection/status`)).json()) as Seen['status'];
  const ready = (await fetch(`${url}/health/ready`)).status;
  const metrics = await registry.getMetricsAsJSON();
  const values = (name: string) => metrics.find((m) => m.name === `faultline_${name}`)?.values ?? [];
  return {
    status,
    ready,
    stalledGauge: values('query_projection_stalled')[0]?.value,
    lagGauge: values('query_projection_lag').reduce((n, v) => n + v.value, 0),
    unknownGauge: values('query_projection_lag_unknown')[0]?.value,
  };
}

const register = (id: string) => envelope(id, 1, 'UserRegistered', { name: 'Ada', dateRegister: '2026-11-28' });

describe('the projector SIGKILLed', () => {
  it('shows in /projection/status, /health/ready and the lag gauges within the report bound, with the live lag', async () => {
    const kafka = testKafka('qapi-it');
    const projector = spawnProjector();
    const { url, registry } = await queryApi(servers.kafkaBrokers);
    await produce(
      kafka,
      topic,
      [randomUUID(), randomUUID(), randomUUID()].map((id) => asRecord(register(id))),
    );
    // Alive, reporting and caught up: every partition listed, lag 0, ready.
    await waitFor(
      async () => {
        const s = await look(url, registry);
        return (
          s.ready === 200 &&
          s.status.lag === 0 &&
          !s.status.stalled &&
          s.status.partitions.length === 3 &&
          s.status.partitions.every((p) => p.checkedAt !== null) &&
          s.stalledGauge === 0
        );
      },
      { timeoutMs: 30_000, what: 'the query API to see a live, caught-up projector' },
    );

    projector.proc.kill('SIGKILL');
    expect(await projector.exited).toBe('SIGKILL');
    await produce(
      kafka,
      topic,
      Array.from({ length: 10 }, () => asRecord(register(randomUUID()))),
    );
    const killedAt = Date.now();
    let seen: Seen | undefined;
    await waitFor(
      async () => {
        seen = await look(url, registry);
        return seen.status.stalled && seen.ready === 503 && seen.stalledGauge === 1;
      },
      { timeoutMs: REPORT_MAX_AGE_MS + 3_000, what: 'the dead projector reported by the query API' },
    );
    expect(Date.now() - killedAt).toBeLessThan(REPORT_MAX_AGE_MS + 3_000);
    expect(seen!.status.lag).toBe(10);
    expect(seen!.lagGauge).toBe(10);
    expect(seen!.unknownGauge).toBe(0);
    expect(seen!.status.reasons.join('\n')).toMatch(/no projector report for \d+ s \(bound 2000 ms\), \d+ record\(s\) behind/);
  });
});

describe('the Kafka link of the query API cut', () => {
  it('makes the lag unknown, with the reason, never 0', async () => {
    // Nothing listens there: the broker never answers.
    const { url, registry } = await queryApi(['127.0.0.1:9']);
    const started = Date.now();
    const s = await look(url, registry);
    expect(Date.now() - started).toBeLessThan(3 * (KAFKA_TIMEOUT_MS + 1_000));
    expect(s.status.lag).toBe('unknown');
    expect(s.status.reasons[0]).toMatch(/^lag unknown: high watermarks of .* unavailable/);
    for (const p of s.status.partitions) expect(p.lag).toBe('unknown');
    expect(s.ready).toBe(503);
    expect(s.unknownGauge).toBe(1);
    expect(s.stalledGauge).toBe(1);
  });
});
