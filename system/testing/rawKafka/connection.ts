// One TCP connection to a broker speaking Kafka's framing: a request out, its answer back (the
// broker answers a connection's requests in order), each checked for its correlation id. When
// credentials are given, the connection authenticates first (SaslHandshake, then SCRAM through
// SaslAuthenticate); without them it speaks plaintext as it is.
import { connect, type Socket } from 'node:net';
import {
  API,
  errorName,
  frame,
  parseSaslAuthenticateAnswer,
  parseSaslHandshakeAnswer,
  saslAuthenticateBody,
  saslHandshakeBody,
} from './requests.ts';
import { SCRAM_MECHANISMS, scramClient, type ScramHash } from './scram.ts';
import { WireReader } from './wire.ts';

/** The principal to authenticate as (the same shape as the system's Kafka settings). */
export interface RawSasl {
  mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  username: string;
  password: string;
}

export interface RawConnection {
  /** Sends one request and resolves with its answer's body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Buffer): Promise<WireReader>;
  close(): void;
}

const CLIENT_ID = 'faultline-raw-produce';
const ANSWER_TIMEOUT_MS = 15_000;

export async function openConnection(host: string, port: number, sasl?: RawSasl): Promise<RawConnection> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host, port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const conn = framedConnection(socket);
  try {
    if (sasl) await authenticate(conn, sasl);
  } catch (err) {
    conn.close();
    throw err;
  }
  return conn;
}

function framedConnection(socket: Socket): RawConnection {
  let buffered = Buffer.alloc(0);
  let nextCorrelation = 1;
  const waiting: Array<{ correlationId: number; resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];
  const failAll = (err: Error) => {
    for (const w of waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  };
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const size = buffered.readInt32BE(0);
      const answer = buffered.subarray(4, 4 + size);
      buffered = buffered.subarray(4 + size);
      const w = waiting.shift();
      if (!w) continue;
      clearTimeout(w.timer);
      const correlationId = answer.readInt32BE(0);
      if (correlationId !== w.correlationId) w.reject(new Error(`answer for correlation id ${correlationId}, expected ${w.correlationId}`));
      else w.resolve(answer.subarray(4));
    }
  });
  socket.on('error', (err) => failAll(err));
  socket.on('close', () => failAll(new Error('the broker closed the connection')));
  return {
    request(apiKey, apiVersion, body) {
      const correlationId = nextCorrelation++;
      return new Promise<WireReader>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no answer to api ${apiKey} within ${ANSWER_TIMEOUT_MS} ms`));
          socket.destroy();
        }, ANSWER_TIMEOUT_MS);
        waiting.push({ correlationId, resolve: (b) => resolve(new WireReader(b)), reject, timer });
        socket.write(frame(apiKey, apiVersion, correlationId, CLIENT_ID, body));
      });
    },
    close: () => socket.destroy(),
  };
}

/** SaslHandshake v1, then the exchange (SCRAM, or PLAIN's one message) in SaslAuthenticate v1 requests. */
async function authenticate(conn: RawConnection, sasl: RawSasl): Promise<void> {
  const hash: ScramHash = sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512';
  const mechanism = sasl.mechanism === 'plain' ? 'PLAIN' : SCRAM_MECHANISMS[hash];
  const hs = parseSaslHandshakeAnswer(await conn.request(API.saslHandshake, 1, saslHandshakeBody(mechanism)));
  if (hs.errorCode !== 0)
    throw new Error(`SASL handshake for ${mechanism} refused: ${errorName(hs.errorCode)}; the broker offers ${hs.mechanisms.join(', ')}`);
  const step = async (message: string): Promise<string> => {
    const a = parseSaslAuthenticateAnswer(await conn.request(API.saslAuthenticate, 1, saslAuthenticateBody(Buffer.from(message, 'utf8'))));
    if (a.errorCode !== 0)
      throw new Error(`SASL authentication as ${sasl.username} failed: ${errorName(a.errorCode)} ${a.errorMessage ?? ''}`.trim());
    return a.authBytes.toString('utf8');
  };
  if (sasl.mechanism === 'plain') {
    await step(`\u0000${sasl.username}\u0000${sasl.password}`);
    return;
  }
  const scram = scramClient({ hash, username: sasl.username, password: sasl.password });
  const serverFirst = await step(scram.clientFirst);
  const serverFinal = await step(scram.clientFinal(serverFirst));
  scram.verifyServerFinal(serverFinal);
}
