// The whole system as four real processes, every link through Toxiproxy: one trace spans
// command → relay → projector; the relay rides out a broker outage and the projector a read-DB
// failure after consuming, with nothing lost and nothing applied twice.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireState } from '../environment/state.ts';
import { startSystem, stopSystem, wipeSystemState } from '../environment/system.ts';
import type { EnvAddresses, LinkName } from '../environment/types.ts';
import { readTopic } from '../observe/readTopic.ts';
import { metricSum, parsePrometheus } from '../record/metrics.ts';
import { TOPIC } from '../../system/shared/events.ts';

const tracesFile = join(mkdtempSync(join(tmpdir(), 'faultline-e2e-')), 'traces.jsonl');
let env: EnvAddresses;
const toxi = () => new Toxiproxy(env.toxiproxy.api);

async function setLink(link: LinkName, enabled: boolean) {
  for (const p of env.links[link]) {
    const proxy = await toxi().get(p.name);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}

async function register(name: string, headers: Record<string, string> = {}) {
  const id = randomUUID();
  const res = await fetch(`${env.system!.commandService}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    body: JSON.stringify({ id, name, dateRegister: '2026-11-28' }),
  });
  expect(res.status).toBe(201);
  return { id, body: (await res.json()) as { version: number; eventId: string } };
}

async function visible(id: string, version: number, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await fetch(`${env.system!.queryApi}/users/${id}`).catch(() => undefined);
    if (res?.status === 200 && ((await res.json()) as { version: number }).version >= version) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function metric(url: string, name: string) {
  return metricSum(parsePrometheus(await (await fetch(`${url}/metrics`)).text()), name);
}

async function appliedTimes(eventIds: string[]): Promise<Map<string, number>> {
  const d = env.mariadb.queries;
  const conn = await mysql.createConnection({
    host: d.host,
    port: d.port,
    user: d.admin.user,
    password: d.admin.password,
    database: 'queries',
  });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT event_id, COUNT(*) AS n FROM applied_events WHERE event_id IN (?) GROUP BY event_id',
      [eventIds],
    );
    return new Map(rows.map((r) => [String(r.event_id), Number(r.n)]));
  } finally {
    await conn.end();
  }
}

beforeAll(async () => {
  await wipeSystemState(requireState());
  env = await startSystem(requireState(), { tracesFile });
}, 120_000);
afterAll(async () => {
  await toxi().reset();
  await stopSystem();
});

describe('the system end to end', () => {
  it('a command is visible in the query API and one trace id spans command service, relay and projector', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const { id, body } = await register('Ada', { traceparent: `00-${traceId}-${'1'.repeat(16)}-01` });
    expect(await visible(id, body.version)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // spans are written when they end
    const spans = existsSync(tracesFile)
      ? readFileSync(tracesFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { traceId: string; service: string })
      : [];
    const services = new Set(spans.filter((s) => s.traceId === traceId).map((s) => s.service));
    expect([...services].sort()).toEqual(['command-service', 'projector', 'relay']);
  });

  it('the relay holds events in the outbox while Kafka is cut off, then publishes each exactly once', async () => {
    await setLink('relay-kafka', false);
    const sent = [];
    try {
      for (let i = 0; i < 10; i++) sent.push(await register(`Outage${i}`));
      await new Promise((r) => setTimeout(r, 1500));
      expect(await metric(env.system!.relay, 'faultline_relay_outbox_backlog')).toBeGreaterThan(0);
    } finally {
      await setLink('relay-kafka', true);
    }
    for (const s of sent) expect(await visible(s.id, s.body.version), s.id).toBe(true);
    const onTopic = (await readTopic(env, TOPIC)).map((r) => r.headers['event-id']);
    for (const s of sent) expect(onTopic.filter((e) => e === s.body.eventId)).toHaveLength(1);
  });

  it('the projector retries through a read-DB failure after consuming: nothing lost, nothing applied twice', async () => {
    const retriesBefore = await metric(env.system!.projector, 'faultline_projector_retries_total');
    const proxy = await toxi().get(env.links['projector-db'][0]!.name);
    await proxy.addToxic({
      name: 'e2e-reset',
      type: 'reset_peer' as never,
      stream: 'upstream' as never,
      toxicity: 1,
      attributes: { timeout: 0 } as never,
    });
    const sent = [];
    try {
      for (let i = 0; i < 5; i++) sent.push(await register(`ReadDown${i}`));
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      await (await proxy.getToxic('e2e-reset')).remove();
    }
    for (const s of sent) expect(await visible(s.id, s.body.version), s.id).toBe(true);
    expect(await metric(env.system!.projector, 'faultline_projector_retries_total')).toBeGreaterThan(retriesBefore);
    const times = await appliedTimes(sent.map((s) => s.body.eventId));
    for (const s of sent) expect(times.get(s.body.eventId), s.body.eventId).toBe(1);
  });
});
