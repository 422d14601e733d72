// Every client link really crosses its own Toxiproxy proxy: disabling the proxy cuts the
// client off, enabling it restores the link. Needs `npm run env -- up --infra-only`.
import { createServer, type Server } from 'node:http';
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessAuth, harnessKafka } from './harnessKafka.ts';
import { requireState } from './state.ts';
import type { LinkName } from './types.ts';

const env = requireState();
const toxi = new Toxiproxy(env.toxiproxy.api);

async function setLink(link: LinkName, enabled: boolean): Promise<void> {
  for (const p of env.links[link]) {
    const proxy = await toxi.get(p.name);
    await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
  }
}

async function dbWorks(link: LinkName): Promise<boolean> {
  const [host, port] = env.links[link][0]!.listen.split(':');
  const admin = env.mariadb.commands.admin;
  try {
    const conn = await mysql.createConnection({
      host: host ?? '127.0.0.1',
      port: Number(port),
      user: admin.user,
      password: admin.password,
      connectTimeout: 1500,
    });
    try {
      await conn.query('SELECT 1');
      return true;
    } finally {
      await conn.end().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

describe('database and HTTP links', () => {
  // The command service is not running in an infra-only environment: a bare HTTP listener on
  // its port stands in for it, since what is under test here is the proxy, not the service.
  let server: Server;
  beforeAll(async () => {
    const port = Number(env.links['client-command'][0]!.upstream.split(':')[1]);
    server = createServer((_, res) => res.end('pong'));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  });
  afterAll(async () => {
    await toxi.reset();
    await new Promise((r) => server.close(r));
  });

  async function httpWorks(): Promise<boolean> {
    try {
      const res = await fetch(`http://${env.links['client-command'][0]!.listen}/`, { signal: AbortSignal.timeout(1500) });
      return (await res.text()) === 'pong';
    } catch {
      return false;
    }
  }

  it.each(['command-db', 'relay-db', 'projector-db', 'query-db'] as const)('%s is cut by its proxy and restored', async (link) => {
    expect(await dbWorks(link)).toBe(true);
    await setLink(link, false);
    expect(await dbWorks(link)).toBe(false);
    await setLink(link, true);
    expect(await dbWorks(link)).toBe(true);
  });

  it('client-command is cut by its proxy and restored', async () => {
    expect(await httpWorks()).toBe(true);
    await setLink('client-command', false);
    expect(await httpWorks()).toBe(false);
    await setLink('client-command', true);
    expect(await httpWorks()).toBe(true);
  });
});

describe('kafka links: one listener per role, advertised as its proxy', () => {
  const topic = `links-${Date.now()}`;
  const client = (role: 'relay' | 'projector') =>
    new Kafka({
      clientId: `links-${role}`,
      brokers: env.kafka[role],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
      ...harnessAuth(env),
    });

  beforeAll(async () => {
    const admin = harnessKafka(env, 'links-setup').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  });
  afterAll(() => toxi.reset());

  it('metadata sends each role back to its own proxy, never to the broker directly', async () => {
    for (const role of ['relay', 'projector'] as const) {
      const admin = client(role).admin();
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      await admin.disconnect();
      expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual([...env.kafka[role]].sort());
    }
  });

  it.each([
    ['relay', 'projector'],
    ['projector', 'relay'],
  ] as const)('cutting the %s proxy cuts a connected %s client while the other role keeps working', async (cut, other) => {
    // Both clients connected first and fetched metadata (so they dial the advertised address).
    const cutProducer = client(cut).producer({ allowAutoTopicCreation: false });
    const otherProducer = client(other).producer({ allowAutoTopicCreation: false });
    await cutProducer.connect();
    await otherProducer.connect();
    await cutProducer.send({ topic, messages: [{ value: 'before' }] });
    await otherProducer.send({ topic, messages: [{ value: 'before' }] });

    await setLink(`${cut}-kafka`, false);
    await expect(cutProducer.send({ topic, timeout: 1500, messages: [{ value: 'during' }] })).rejects.toThrow();
    await otherProducer.send({ topic, messages: [{ value: 'during' }] });

    await setLink(`${cut}-kafka`, true);
    // kafkajs reconnects on the next request once the proxy accepts again.
    let sent = false;
    for (let i = 0; i < 20 && !sent; i++) {
      sent = await cutProducer.send({ topic, timeout: 1500, messages: [{ value: 'after' }] }).then(
        () => true,
        () => false,
      );
    }
    expect(sent).toBe(true);
    await cutProducer.disconnect();
    await otherProducer.disconnect();
  });
});
