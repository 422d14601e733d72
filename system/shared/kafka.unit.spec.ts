import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  type IHeaders,
} from 'kafkajs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { envReader } from './config.ts';
import { ConfigError } from './errors.ts';
import { encodeRecord } from '../testing/rawKafka/recordBatch.ts';
import {
  decodeHeaders,
  headersAsText,
  headersFromStored,
  headersToStored,
  headerText,
  isRecordTooLarge,
  isRetriableKafkaError,
  kafkaSaslConfig,
  KafkaSendDeadlineError,
} from './kafka.ts';

const protocol = (type: string, retriable: boolean) => Object.assign(new KafkaJSProtocolError('broker says no'), { type, retriable });

describe('isRetriableKafkaError', () => {
  it('never retries a record the broker finds too large, however kafkajs wraps the answer', () => {
    const tooLarge = protocol('MESSAGE_TOO_LARGE', false);
    expect(isRecordTooLarge(tooLarge)).toBe(true);
    expect(isRetriableKafkaError(tooLarge)).toBe(false);
    // As kafkajs' retry wraps a final answer: the broker's error as the cause.
    expect(isRetriableKafkaError(Object.assign(new KafkaJSNonRetriableError(tooLarge), { cause: tooLarge }))).toBe(false);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 3, retryTime: 100 }))).toBe(false);
  });

  it('does not retry other final answers (not authorized)', () => {
    expect(isRetriableKafkaError(protocol('TOPIC_AUTHORIZATION_FAILED', false))).toBe(false);
  });

  it('retries a broker that is away', () => {
    const conn = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(isRetriableKafkaError(conn)).toBe(true);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(conn, { retryCount: 3, retryTime: 100 }))).toBe(true);
    expect(isRetriableKafkaError(protocol('NOT_LEADER_OR_FOLLOWER', true))).toBe(true);
    expect(isRecordTooLarge(conn)).toBe(false);
  });
});

describe('isRetriableKafkaError on errors not known to be transient', () => {
  it('does not retry a TypeError from kafkajs’ encoder (a null header value), bare or wrapped', () => {
    const typeError = Object.assign(new TypeError('The "string" argument must be of type string. Received null'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(isRetriableKafkaError(typeError)).toBe(false);
    expect(isRetriableKafkaError(new KafkaJSNonRetriableError(typeError))).toBe(false);
    expect(isRetriableKafkaError(new KafkaJSNumberOfRetriesExceeded(typeError, { retryCount: 3, retryTime: 100 }))).toBe(false);
    expect(isRetriableKafkaError(new Error('something nobody planned for'))).toBe(false);
    expect(isRetriableKafkaError(undefined)).toBe(false);
  });

  it('still retries its own send failures and network errors', () => {
    expect(isRetriableKafkaError(new KafkaSendDeadlineError('late'))).toBe(true);
    expect(isRetriableKafkaError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
  });
});

describe('header codec', () => {
  // As kafkajs decodes them: a null value, a repeated name (array, in order), binary bytes.
  const raw = {
    'x-null': null,
    'x-rep': [Buffer.from('a'), null, Buffer.from('b')],
    'x-bin': Buffer.from([0xff, 0xfe, 0x00]),
    traceparent: null,
    'x-text': 'plain',
  } as unknown as IHeaders;

  it('keeps null, repeated and binary values, in order', () => {
    const h = decodeHeaders(raw);
    expect(h).toEqual({
      'x-null': [null],
      'x-rep': [Buffer.from('a'), null, Buffer.from('b')],
      'x-bin': [Buffer.from([0xff, 0xfe, 0x00])],
      traceparent: [null],
      'x-text': [Buffer.from('plain')],
    });
    expect(decodeHeaders({ absent: undefined })).toEqual({});
  });

  it('reads text from the first present UTF-8 value, and null for null, absent or binary values', () => {
    const h = decodeHeaders(raw);
    expect(headerText(h, 'traceparent')).toBeNull();
    expect(headerText(h, 'x-null')).toBeNull();
    expect(headerText(h, 'x-bin')).toBeNull();
    expect(headerText(h, 'missing')).toBeNull();
    expect(headerText(h, 'x-rep')).toBe('a');
    expect(headerText(h, 'toString')).toBeNull();
    expect(headersAsText(raw)).toEqual({ 'x-rep': 'a', 'x-bin': Buffer.from([0xff, 0xfe, 0x00]).toString('utf8'), 'x-text': 'plain' });
  });

  it('stores headers losslessly as JSON (null stays null, repeats stay in order) and reads them back', () => {
    const h = decodeHeaders(raw);
    const stored = headersToStored(h);
    expect(stored).toEqual({ 'x-null': null, 'x-rep': ['YQ==', null, 'Yg=='], 'x-bin': '//4A', traceparent: null, 'x-text': 'cGxhaW4=' });
    expect(headersFromStored(JSON.parse(JSON.stringify(stored)))).toEqual(h);
    const proto = decodeHeaders(JSON.parse('{"__proto__": "x"}'));
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });
  it("keeps a header named like an object's own member (__proto__, constructor, valueOf) as it came from kafkajs' decoder", () => {
    // kafkajs' record decoder folds repeats with `obj[name] === undefined`, which reads such a name
    // through the prototype: its first value arrives after the prototype's member.
    const require = createRequire(import.meta.url);
    const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
    const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
      d: unknown,
      ctx: Record<string, unknown>,
    ) => { headers: IHeaders };
    const wire = encodeRecord(
      {
        key: null,
        value: null,
        headers: [
          ['__proto__', Buffer.from('p')],
          ['valueOf', null],
          ['constructor', Buffer.from('c1')],
          ['x', Buffer.from('x')],
          ['constructor', Buffer.from('c2')],
        ],
      },
      0,
    );
    const body = wire.subarray(1); // past the record's one-byte varint length
    const { headers } = decodeRecord(new Decoder(body), { firstOffset: '0', firstTimestamp: '0', magicByte: 2 });
    expect(Array.isArray(headers.valueOf)).toBe(true); // what kafkajs hands over: [Object.prototype.valueOf, null]
    const h = decodeHeaders(headers);
    // Object.fromEntries: in a literal, `__proto__:` would set the prototype, not a property.
    expect(h).toEqual(
      Object.fromEntries([
        ['__proto__', [Buffer.from('p')]],
        ['valueOf', [null]],
        ['constructor', [Buffer.from('c1'), Buffer.from('c2')]],
        ['x', [Buffer.from('x')]],
      ]),
    );
    expect(headersToStored(h)).toEqual(
      Object.fromEntries([
        ['__proto__', 'cA=='],
        ['valueOf', null],
        ['constructor', ['YzE=', 'YzI=']],
        ['x', 'eA=='],
      ]),
    );
  });
});

describe('kafkaSaslConfig (KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SASL_MECHANISM)', () => {
  const read = (source: Record<string, string>) => kafkaSaslConfig(envReader(source));

  it('is absent when neither is set, and SCRAM-SHA-512 by default', () => {
    expect(read({})).toBeUndefined();
    expect(read({ KAFKA_USERNAME: 'relay', KAFKA_PASSWORD: 's3cret-s3cret' })).toEqual({
      mechanism: 'scram-sha-512',
      username: 'relay',
      password: 's3cret-s3cret',
    });
  });

  it('refuses one without the other, and an unknown mechanism, without showing the password', () => {
    expect(() => read({ KAFKA_USERNAME: 'relay' })).toThrow(ConfigError);
    expect(() => read({ KAFKA_PASSWORD: 'hidden-value' })).toThrow(/KAFKA_USERNAME/);
    try {
      read({ KAFKA_PASSWORD: 'hidden-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hidden-value');
    }
    expect(() => read({ KAFKA_USERNAME: 'relay', KAFKA_PASSWORD: 'x', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});
