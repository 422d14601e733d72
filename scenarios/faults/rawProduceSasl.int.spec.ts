// The raw producer (system/testing/rawKafka/) against a real Kafka 4.1.1 broker whose listener asks
// for SASL: a broker of its own (the cached jars, KRaft, one node), SCRAM users added when its
// storage is formatted, PLAIN users in its JAAS line. Records land with SCRAM-SHA-512 (what the
// environment's brokers ask the harness for), SCRAM-SHA-256 and PLAIN, null header values and
// interleaved repeats intact; a wrong password and no credentials at all are refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawProducer } from '../../system/testing/rawKafka/rawProducer.ts';
import type { RawHeaderRecord } from '../../system/testing/rawKafka/recordBatch.ts';
import { cacheDir, PROJECT_ROOT } from '../environment/paths.ts';
import { KAFKA_VERSION } from '../environment/local/install.ts';

const LIBS = join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
const LOG4J = join(PROJECT_ROOT, 'scenarios/environment/local/kafka/log4j2.yaml');
const TOPIC = 'sasl-check';
const PASSWORD = { scram: 'scram-pw-0123456789', plain: 'plain-pw-0123456789' };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function run(args: string[], out: { log: string }): ChildProcess {
  const child = spawn(
    'java',
    ['-Xms64m', '-Xmx384m', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${LOG4J}`, '-cp', `${LIBS}/*`, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (out.log = (out.log + String(d)).slice(-4000)));
  child.stderr!.on('data', (d) => (out.log = (out.log + String(d)).slice(-4000)));
  return child;
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => c.once('exit', resolve));

async function listening(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms: ${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('raw producer on a SASL listener', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-sasl-'));
  const out = { log: '' };
  let broker: ChildProcess | undefined;
  const ports = { plaintext: 0, sasl: 0, controller: 0 };

  beforeAll(async () => {
    ports.plaintext = await freePort();
    ports.sasl = await freePort();
    ports.controller = await freePort();
    const props = join(dir, 'server.properties');
    writeFileSync(
      props,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
        `listeners=PLAINTEXT://127.0.0.1:${ports.plaintext},SASL_PLAINTEXT://127.0.0.1:${ports.sasl},CONTROLLER://127.0.0.1:${ports.controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.plaintext},SASL_PLAINTEXT://127.0.0.1:${ports.sasl}`,
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=PLAINTEXT',
        'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
        'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_harness="${PASSWORD.plain}";`,
        `log.dirs=${join(dir, 'data')}`,
        'offsets.topic.replication.factor=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
      ].join('\n'),
    );
    const format = run(
      [
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id=ZmF1bHRsaW5lLXNhc2wtY2hlY2s',
        '-c',
        props,
        '--add-scram',
        `SCRAM-SHA-512=[name=harness,password=${PASSWORD.scram}]`,
        '--add-scram',
        `SCRAM-SHA-256=[name=harness,password=${PASSWORD.scram}]`,
      ],
      out,
    );
    const code = await exited(format);
    if (code !== 0) throw new Error(`storage format failed (${code}): ${out.log}`);
    broker = run(['kafka.Kafka', props], out);
    await listening(ports.sasl, 90_000, () => out.log);
    const admin = new Kafka({ clientId: 'sasl-check', brokers: [`127.0.0.1:${ports.plaintext}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }, 150_000);

  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGKILL');
      await exited(broker);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const record = (n: string): RawHeaderRecord => ({
    key: Buffer.from(n),
    value: Buffer.from(`value ${n}`),
    headers: [
      ['x-rep', Buffer.from('1')],
      ['x-null', null],
      ['x-rep', null],
    ],
  });
  const sasl = () => ({ host: '127.0.0.1', port: ports.sasl });

  it('authenticates with SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN, and the records land as written', async () => {
    const offsets: bigint[] = [];
    for (const [mechanism, password] of [
      ['scram-sha-512', PASSWORD.scram],
      ['scram-sha-256', PASSWORD.scram],
      ['plain', PASSWORD.plain],
    ] as const) {
      const p = rawProducer({ sasl: { mechanism, username: 'harness', password } });
      try {
        offsets.push(await p.produce(sasl(), TOPIC, 0, [record(mechanism)]));
      } finally {
        p.close();
      }
    }
    expect(offsets).toEqual([0n, 1n, 2n]);

    const kafka = new Kafka({ clientId: 'sasl-check-read', brokers: [`127.0.0.1:${ports.plaintext}`], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'sasl-check-read' });
    const got: Array<{ key: string; headers: unknown }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push({ key: String(message.key), headers: message.headers });
          if (got.length === 3) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(got.map((g) => g.key)).toEqual(['scram-sha-512', 'scram-sha-256', 'plain']);
    for (const g of got) expect(g.headers).toEqual({ 'x-rep': [Buffer.from('1'), null], 'x-null': null });
  }, 60_000);

  it('is refused with a wrong password, and without credentials on a listener that asks for them', async () => {
    const wrong = rawProducer({ sasl: { mechanism: 'scram-sha-512', username: 'harness', password: 'not-the-password' } });
    await expect(wrong.produce(sasl(), TOPIC, 0, [record('wrong')])).rejects.toThrow(/SASL_AUTHENTICATION_FAILED/);
    wrong.close();
    const none = rawProducer();
    await expect(none.produce(sasl(), TOPIC, 0, [record('none')])).rejects.toThrow();
    none.close();
  }, 60_000);
});
