// kafkajs client factory and header codec shared by the relay, the projector and the tools.
// Brokers are always `127.0.0.1:port` (a proxy in the real environment): `localhost` may
// resolve to IPv6 and bypass Toxiproxy, so it is refused here.
import {
  Kafka,
  logLevel,
  Partitioners,
  type IHeaders,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { EnvReader } from './config.ts';
import { withDeadline } from './deadline.ts';
import { ConfigError } from './errors.ts';
import { HEADERS, type EventEnvelope } from './events.ts';
import { coverageTracker } from './partitionCoverage.ts';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs' own retries per request; the callers add backoff and breakers on top. */
  retries?: number;
  /** The principal to authenticate as (every listener of the environment's brokers asks for one). */
  sasl?: KafkaSasl | undefined;
}

export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** SASL credentials of a Kafka client (SASL_PLAINTEXT: the links are loopback proxies). */
export interface KafkaSasl {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export const KAFKA_DEFAULTS = Object.freeze({
  connectionTimeoutMs: 3_000, // 3 seconds: fail fast behind a cut proxy
  requestTimeoutMs: 10_000, // 10 seconds
  retries: 3,
});

export function validateBrokers(brokers: string[]): string[] {
  if (brokers.length === 0) throw new Error('no Kafka brokers given');
  for (const b of brokers) {
    const m = /^([^:]+):(\d{1,5})$/.exec(b);
    if (!m) throw new Error(`Kafka broker ${JSON.stringify(b)} is not host:port`);
    if (m[1] === 'localhost') throw new Error(`Kafka broker ${b}: use 127.0.0.1, not localhost`);
  }
  return brokers;
}

export function createKafka(o: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: o.clientId,
    brokers: validateBrokers(o.brokers),
    connectionTimeout: o.connectionTimeoutMs ?? KAFKA_DEFAULTS.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs ?? KAFKA_DEFAULTS.requestTimeoutMs,
    retry: { retries: o.retries ?? KAFKA_DEFAULTS.retries, initialRetryTime: 100, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(o.logger),
    ...(o.sasl ? { sasl: { mechanism: o.sasl.mechanism, username: o.sasl.username, password: o.sasl.password } as SASLOptions } : {}),
  });
}

/**
 * A process's Kafka principal from its settings: KAFKA_USERNAME and KAFKA_PASSWORD (both or
 * neither; neither = no authentication, for a broker without it), KAFKA_SASL_MECHANISM
 * (default scram-sha-512). A refusal never shows the password.
 */
export function kafkaSaslConfig(env: EnvReader): KafkaSasl | undefined {
  const username = env.optional('KAFKA_USERNAME');
  const password = env.optional('KAFKA_PASSWORD');
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined) throw new ConfigError('KAFKA_USERNAME', 'a principal name, set together with KAFKA_PASSWORD', undefined);
  if (password === undefined) throw new ConfigError('KAFKA_PASSWORD', 'the password of KAFKA_USERNAME, set together with it', undefined);
  return { mechanism: env.oneOf('KAFKA_SASL_MECHANISM', SASL_MECHANISMS, 'scram-sha-512'), username, password };
}

/**
 * Producer settings every publisher uses: idempotent, acks=all, one request in flight (order).
 * kafkajs warns that limited retries "may invalidate EoS": callers drop a producer after a failed
 * send and start a new one (new producer id), so a retry is at worst a duplicate with the same
 * event id, which the projector's inbox absorbs; unlimited retries would hang a send forever.
 */
export function idempotentProducerConfig(extra: Partial<ProducerConfig> = {}): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner, // Java-compatible murmur2 on the key
    ...extra,
  };
}

function pinoLogCreator(logger: Logger | undefined) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      if (!logger) return;
      const { message, ...extra } = log;
      const fields = { kafka: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/** String headers → kafkajs headers (undefined values dropped). */
export function encodeHeaders(headers: Record<string, string | undefined | null>): IHeaders {
  const out: IHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && v !== null) out[k] = Buffer.from(v, 'utf8');
  return out;
}

/**
 * A record's headers as Kafka has them: per name, every value in the order it came (a name may
 * repeat), each the exact bytes or null (Kafka's header value length -1; kafkajs decodes it as
 * null). Nothing is dropped or joined, so a record can be stored and copied losslessly.
 */
export type HeaderValue = Buffer | null;
export type RecordHeaders = Record<string, HeaderValue[]>;

/** Sets an own property, even for a name like `__proto__` (a header name is any string). */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** kafkajs headers → every value per name, in order (null values and repeats kept; strings as UTF-8). */
export function decodeHeaders(headers: IHeaders | Record<string, unknown> | undefined | null): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [k, raw] of Object.entries(headers ?? {})) {
    if (raw === undefined) continue; // absent: no header of that name
    // kafkajs' record decoder folds a repeated name with `obj[name] === undefined`, which reads a
    // name like `__proto__`, `constructor` or `valueOf` through the prototype: that name's first
    // value then arrives after the prototype's member, which is no header value and is left out.
    const values = (Array.isArray(raw) ? raw : [raw]).filter(
      (v: unknown) => v === null || v === undefined || typeof v === 'string' || Buffer.isBuffer(v),
    ) as unknown[];
    setOwn(
      out,
      k,
      values.map((v): HeaderValue =>
        v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Buffer),
      ),
    );
  }
  return out;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The first value of `name` that is present and valid UTF-8, as text; null otherwise (absent, null, binary). */
export function headerText(headers: RecordHeaders, name: string): string | null {
  const values = Object.prototype.hasOwnProperty.call(headers, name) ? headers[name]! : [];
  for (const v of values) {
    if (v === null) continue;
    try {
      return STRICT_UTF8.decode(v);
    } catch {
      continue;
    }
  }
  return null;
}

/** kafkajs headers → UTF-8 strings, the first present value per name (for logs, tests and tools). */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of Object.entries(decodeHeaders(headers))) {
    const v = values.find((x) => x !== null);
    if (v !== undefined && v !== null) setOwn(out, k, v.toString('utf8'));
  }
  return out;
}

/**
 * Headers as JSON, losslessly (the `dead_letters.headers` column): per name a base64 string when
 * the name has one value, JSON null when that value is null, and an array of those, in order,
 * when the name repeats.
 */
export type StoredHeaders = Record<string, string | null | Array<string | null>>;

export function headersToStored(headers: RecordHeaders): StoredHeaders {
  const out: StoredHeaders = {};
  for (const [k, values] of Object.entries(headers)) {
    const enc = values.map((v) => (v === null ? null : v.toString('base64')));
    setOwn<string | null | Array<string | null>>(out, k, enc.length === 1 ? enc[0]! : enc);
  }
  return out;
}

export function headersFromStored(headers: StoredHeaders): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    const values = Array.isArray(v) ? v : [v];
    setOwn(
      out,
      k,
      values.map((x): HeaderValue => (x === null ? null : Buffer.from(x, 'base64'))),
    );
  }
  return out;
}

export interface ResettableProducer {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

/** A send (connect included) that neither resolved nor failed within its deadline. */
export class KafkaSendDeadlineError extends Error {
  override readonly name = 'KafkaSendDeadlineError';
}

/** How long a dropped producer's disconnect is waited for before it is left to finish on its own. */
const DROP_WAIT_MS = 1_000;

/**
 * An idempotent producer that connects on first use and is thrown away after a failed send, so
 * the next send starts with a fresh producer id instead of stale sequence numbers. With
 * `sendDeadlineMs`, a send that has not settled by then fails and its producer is dropped too:
 * kafkajs can leave a send pending forever after a partition leader dies mid-request, and a
 * publisher stuck there publishes nothing while it still looks alive. A send that resolved
 * without an answer for one of its partitions fails as well (partitionCoverage.ts).
 */
export function resettableProducer(
  kafka: Kafka,
  config: Partial<ProducerConfig> = {},
  o: { sendDeadlineMs?: number } = {},
): ResettableProducer {
  let current: Producer | null = null;
  let connecting: Promise<Producer> | null = null;
  // Every answer is checked for the partitions the messages went to (partitionCoverage.ts).
  const coverage = coverageTracker(config.createPartitioner);
  const drop = async () => {
    const p = current;
    current = null;
    if (!p) return;
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, DROP_WAIT_MS)));
    await Promise.race([p.disconnect().catch(() => undefined), bounded]);
    clearTimeout(timer);
  };
  const attempt = async (record: ProducerRecord) => {
    // This attempt keeps its own producer: one abandoned at its deadline never sends on the next.
    // Concurrent sends share one connect: `current` is published only once it has connected, so
    // no send ever reaches a producer that is still connecting.
    let p = current;
    if (!p) {
      connecting ??= (async () => {
        const fresh = kafka.producer(idempotentProducerConfig({ ...config, createPartitioner: coverage.createPartitioner }));
        try {
          await fresh.connect();
        } catch (err) {
          await fresh.disconnect().catch(() => undefined);
          throw err;
        }
        current = fresh;
        return fresh;
      })().finally(() => {
        connecting = null;
      });
      p = await connecting;
    }
    const answer = await p.send(record);
    coverage.check(record, answer);
    return answer;
  };
  return {
    async send(record) {
      const pending = attempt(record);
      const ms = o.sendDeadlineMs;
      try {
        if (ms === undefined) return await pending;
        return await withDeadline(pending, ms, () => new KafkaSendDeadlineError(`the send did not settle within ${ms} ms`));
      } catch (err) {
        await drop();
        throw err;
      }
    },
    disconnect: drop,
  };
}

/**
 * The one mapping from an event to its Kafka record (relay, dual-write, benchmarks): key = stream
 * id, value = the envelope as JSON, headers per HEADERS. `headerTraceparent` lets the publisher
 * hang the consumer's span under its own; the envelope keeps the command's traceparent.
 */
export function envelopeToMessage(e: EventEnvelope, headerTraceparent?: string) {
  return recordOf(e, JSON.stringify(e), headerTraceparent);
}

/**
 * The record of an event whose envelope JSON is already made (`json`; the relay splices the
 * payload text it read instead of parsing and re-serialising it): key and headers from `e`.
 */
export function recordOf(e: Omit<EventEnvelope, 'payload'>, json: string, headerTraceparent?: string) {
  return {
    key: e.streamId,
    value: json,
    headers: encodeHeaders({
      [HEADERS.eventId]: e.eventId,
      [HEADERS.eventType]: e.type,
      [HEADERS.schemaVersion]: String(e.schemaVersion),
      [HEADERS.streamVersion]: String(e.streamVersion),
      [HEADERS.correlationId]: e.correlationId,
      [HEADERS.causationId]: e.causationId,
      [HEADERS.traceparent]: headerTraceparent ?? e.traceparent,
    }),
  };
}

/** Validates KAFKA_BROKERS for a process configuration (a ConfigError names the variable). */
export function kafkaBrokers(brokers: string[]): string[] {
  try {
    return validateBrokers(brokers);
  } catch {
    throw new ConfigError('KAFKA_BROKERS', 'a comma-separated list of host:port (127.0.0.1, not localhost)', brokers.join(','));
  }
}

interface KafkaErrorLike {
  name?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** The innermost error kafkajs wrapped (its retry wrappers keep the broker's answer as the cause). */
export function rootKafkaError(err: unknown): KafkaErrorLike | null {
  let e = err as KafkaErrorLike | null;
  for (let depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    const inner = (e.originalError ?? e.cause) as KafkaErrorLike | undefined;
    if (!inner || typeof inner !== 'object') break;
    e = inner;
  }
  return e && typeof e === 'object' ? e : null;
}

/** Broker answers that no retry can change for this record: its size. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);

export function isRecordTooLarge(err: unknown): boolean {
  const root = rootKafkaError(err);
  return root?.type !== undefined && TOO_LARGE.has(root.type);
}

/** Network failures below kafkajs (a socket error it did not wrap): the broker is away, not the record's fault. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** Errors of this code's own that say a send may succeed when tried again. */
const OWN_TRANSIENT = new Set(['KafkaSendDeadlineError', 'KafkaPartitionSkippedError']);

/**
 * Whether retrying a failed send can help: only failures known to be transient, i.e. a kafkajs
 * error (or a broker answer) that kafkajs marks retriable, one of this code's own send failures
 * (deadline, partition skipped), or a network error code. Anything else, a TypeError from
 * kafkajs' encoder included, is an answer about the record or a bug, and would fail the same way
 * forever: not retried. A record too large never is.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  if (isRecordTooLarge(err)) return false;
  const root = rootKafkaError(err);
  if (!root) return false;
  const name = typeof root.name === 'string' ? root.name : '';
  if (OWN_TRANSIENT.has(name)) return true;
  if (name.startsWith('KafkaJS')) return root.retriable !== false;
  const code = (root as { code?: unknown }).code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
