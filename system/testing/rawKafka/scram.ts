// A SCRAM client (RFC 5802; SCRAM-SHA-256 in RFC 7677, SCRAM-SHA-512 as Kafka names it): the
// client-first message, the client-final message with its proof for the server-first one, and
// the check of the server's signature. No channel binding (gs2 header "n,,"). Pure but for the
// nonce, which a caller may fix (the RFC's test vector does).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramHash = 'sha256' | 'sha512';
export const SCRAM_MECHANISMS: Readonly<Record<ScramHash, string>> = { sha256: 'SCRAM-SHA-256', sha512: 'SCRAM-SHA-512' };
const KEY_BYTES: Readonly<Record<ScramHash, number>> = { sha256: 32, sha512: 64 };

const GS2_HEADER = 'n,,';

/** RFC 5802 saslname: "=" and "," escaped. */
export const saslName = (user: string): string => user.replace(/=/g, '=3D').replace(/,/g, '=2C');

export interface ScramExchange {
  /** client-first-message, to send first. */
  readonly clientFirst: string;
  /** The client-final-message for the server's first message (it must extend our nonce). */
  clientFinal(serverFirst: string): string;
  /** Throws unless the server-final-message carries the signature only a server knowing the password computes. */
  verifyServerFinal(serverFinal: string): void;
}

function attributes(msg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of msg.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

const hmac = (hash: ScramHash, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

export function scramClient(o: { hash: ScramHash; username: string; password: string; nonce?: string }): ScramExchange {
  const nonce = o.nonce ?? randomBytes(24).toString('base64url');
  const clientFirstBare = `n=${saslName(o.username)},r=${nonce}`;
  let expectedServerSignature: Buffer | undefined;
  return {
    clientFirst: GS2_HEADER + clientFirstBare,
    clientFinal(serverFirst) {
      const a = attributes(serverFirst);
      if (a.has('e')) throw new Error(`SCRAM: the server refused: ${a.get('e')}`);
      const r = a.get('r');
      const s = a.get('s');
      const i = Number(a.get('i'));
      if (!r || !r.startsWith(nonce) || r.length === nonce.length) throw new Error('SCRAM: the server nonce does not extend ours');
      if (!s || !Number.isInteger(i) || i < 1) throw new Error(`SCRAM: no salt or iteration count in ${JSON.stringify(serverFirst)}`);
      // Hi() is PBKDF2 with HMAC-H over the password's UTF-8 bytes, as Kafka's ScramFormatter
      // computes it (no SASLprep: an ASCII password is unchanged by it anyway).
      const salted = pbkdf2Sync(Buffer.from(o.password, 'utf8'), Buffer.from(s, 'base64'), i, KEY_BYTES[o.hash], o.hash);
      const clientKey = hmac(o.hash, salted, 'Client Key');
      const storedKey = createHash(o.hash).update(clientKey).digest();
      const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const signature = hmac(o.hash, storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let k = 0; k < proof.length; k++) proof[k] = clientKey[k]! ^ signature[k]!;
      expectedServerSignature = hmac(o.hash, hmac(o.hash, salted, 'Server Key'), authMessage);
      return `${withoutProof},p=${proof.toString('base64')}`;
    },
    verifyServerFinal(serverFinal) {
      const a = attributes(serverFinal);
      if (a.has('e')) throw new Error(`SCRAM: the server refused: ${a.get('e')}`);
      if (!expectedServerSignature) throw new Error('SCRAM: server-final before client-final');
      const v = Buffer.from(a.get('v') ?? '', 'base64');
      if (v.length !== expectedServerSignature.length || !timingSafeEqual(v, expectedServerSignature))
        throw new Error('SCRAM: the server signature is wrong (it does not know the password)');
    },
  };
}
