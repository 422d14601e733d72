// The requests the raw producer sends, and their answers: Produce v3 (record batch v2, the lowest
// version Kafka 4 still accepts), SaslHandshake v1 (api 17) and SaslAuthenticate v1 (api 36).
// Each request is framed with its int32 size and a v1 request header. Pure.
import { bytes, int16, int32, string, type WireReader } from './wire.ts';

export const API = { produce: 0, saslHandshake: 17, saslAuthenticate: 36 } as const;

/** Kafka error codes the callers name (the rest are reported by number). */
export const KAFKA_ERRORS: Readonly<Record<number, string>> = {
  0: 'NONE',
  2: 'CORRUPT_MESSAGE',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  10: 'MESSAGE_TOO_LARGE',
  19: 'NOT_ENOUGH_REPLICAS',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM',
  34: 'ILLEGAL_SASL_STATE',
  58: 'SASL_AUTHENTICATION_FAILED',
  87: 'INVALID_RECORD',
};
export const errorName = (code: number): string => `${KAFKA_ERRORS[code] ?? 'error'} (${code})`;

/** A framed request: size, api key, api version, correlation id, client id, then the body. */
export function frame(apiKey: number, apiVersion: number, correlationId: number, clientId: string, body: Buffer): Buffer {
  const payload = Buffer.concat([int16(apiKey), int16(apiVersion), int32(correlationId), string(clientId), body]);
  return Buffer.concat([int32(payload.length), payload]);
}

/** Produce v3 of one batch to one partition (acks=all). */
export function produceBody(topic: string, partition: number, batch: Buffer, timeoutMs = 10_000): Buffer {
  return Buffer.concat([
    string(null), // transactional id
    int16(-1), // acks: all
    int32(timeoutMs),
    int32(1), // topics
    string(topic),
    int32(1), // partitions
    int32(partition),
    bytes(batch),
  ]);
}

export interface ProduceAnswer {
  errorCode: number;
  baseOffset: bigint;
}

/** The answer to produceBody (after the correlation id): its one partition's error and base offset. */
export function parseProduceAnswer(r: WireReader): ProduceAnswer {
  if (r.int32() !== 1) throw new Error('produce answer: expected one topic');
  r.string();
  if (r.int32() !== 1) throw new Error('produce answer: expected one partition');
  r.int32(); // partition index
  const errorCode = r.int16();
  const baseOffset = r.int64();
  return { errorCode, baseOffset };
}

export const saslHandshakeBody = (mechanism: string): Buffer => string(mechanism);

export function parseSaslHandshakeAnswer(r: WireReader): { errorCode: number; mechanisms: string[] } {
  const errorCode = r.int16();
  const n = r.int32();
  const mechanisms: string[] = [];
  for (let i = 0; i < n; i++) mechanisms.push(r.string() ?? '');
  return { errorCode, mechanisms };
}

export const saslAuthenticateBody = (authBytes: Buffer): Buffer => bytes(authBytes);

export function parseSaslAuthenticateAnswer(r: WireReader): { errorCode: number; errorMessage: string | null; authBytes: Buffer } {
  const errorCode = r.int16();
  const errorMessage = r.string();
  const authBytes = r.bytes() ?? Buffer.alloc(0);
  r.int64(); // v1: session lifetime ms
  return { errorCode, errorMessage, authBytes };
}
