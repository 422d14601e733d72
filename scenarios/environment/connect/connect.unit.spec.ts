import { describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../system/shared/credentials.ts';
import { HEADERS } from '../../../system/shared/events.ts';
import { parseTarget } from '../targets.ts';
import { HEADER_COLUMNS, outboxConnectorConfig } from './connector.ts';
import { propertiesText, WORKER_HEAP, workerProcess, workerProperties } from './worker.ts';

const credentials = generateCredentials();
const worker = (exactlyOnce: boolean) =>
  workerProperties({
    dir: '/run/connect',
    libs: '/libs',
    restPort: 25095,
    bootstrap: ['127.0.0.1:25023'],
    replicationFactor: 3,
    credentials,
    exactlyOnce,
  });

describe('the outbox connector', () => {
  const config = outboxConnectorConfig({ dir: '/run/connect', database: '127.0.0.1:25016', exactlyOnce: false });

  it('keys by stream id, sends the envelope column as it is, and every header the relay sends', () => {
    expect(config['transforms.outbox.table.field.event.key']).toBe('stream_id');
    expect(config['transforms.outbox.table.field.event.payload']).toBe('envelope');
    expect(config['transforms.outbox.table.expand.json.payload']).toBe('false');
    const placed = config['transforms.outbox.table.fields.additional.placement']!.split(',').map((p) => p.split(':'));
    expect(placed.every(([, where]) => where === 'header')).toBe(true);
    expect(placed.map(([, , header]) => header).sort()).toEqual(Object.values(HEADERS).sort());
    expect(Object.keys(HEADER_COLUMNS)).toHaveLength(Object.keys(HEADERS).length);
  });

  it('reads MariaDB through the given proxy as its own account, the password only as a file reference', () => {
    expect(config['database.hostname']).toBe('127.0.0.1');
    expect(config['database.port']).toBe('25016');
    expect(config['database.user']).toBe('cdc_connector');
    expect(config['database.password']).toBe('${file:/run/connect/secrets.properties:database.password}');
  });

  it('asks for exactly-once and a transaction per poll only in cdc-eos', () => {
    expect(config['exactly.once.support']).toBeUndefined();
    const eos = outboxConnectorConfig({ dir: '/run/connect', database: '127.0.0.1:25016', exactlyOnce: true });
    expect(eos['exactly.once.support']).toBe('required');
    expect(eos['transaction.boundary']).toBe('poll');
  });
});

describe('the Connect worker', () => {
  it('listens on 127.0.0.1 only, as its own principal on every client, exactly-once support only in cdc-eos', () => {
    const p = worker(false);
    expect(p.listeners).toBe('http://127.0.0.1:25095');
    for (const prefix of ['', 'producer.', 'consumer.', 'admin.']) {
      expect(p[`${prefix}security.protocol`]).toBe('SASL_PLAINTEXT');
      expect(p[`${prefix}sasl.jaas.config`]).toContain(`username="connect" password="${credentials.kafka.passwords.connect}"`);
    }
    expect(p['producer.acks']).toBe('all');
    expect(p['exactly.once.source.support']).toBeUndefined();
    expect(worker(true)['exactly.once.source.support']).toBe('enabled');
  });

  it('runs with a small heap, its properties file as the marker', () => {
    const proc = workerProcess({ dir: '/run/connect', libs: '/libs' });
    expect(proc.args).toContain(WORKER_HEAP);
    expect(proc.marker).toBe('/run/connect/worker.properties');
    expect(proc.args.at(-1)).toBe(proc.marker);
  });

  it('escapes backslashes in properties values', () => {
    expect(propertiesText({ a: 'x\\y', b: 'plain' })).toBe('a=x\\\\y\nb=plain\n');
  });

  it('is the target connect, also named connect#1', () => {
    expect(parseTarget('connect')).toEqual({ kind: 'connect' });
    expect(parseTarget('connect#1')).toEqual({ kind: 'connect' });
    expect(() => parseTarget('connect#2')).toThrow(/connect/);
  });
});
