// Kafka's wire primitives, written by hand: big-endian integers, zigzag varints, strings and
// byte arrays with their length prefixes (-1 for null), CRC-32C, and a reader for answers.
// Pure, so each encoding is unit-tested against bytes computed by hand.

export const int8 = (n: number): Buffer => Buffer.from([n & 0xff]);

export function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function int64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

/** Kafka's varint (records and headers): zigzag, then 7 bits a byte, low first. */
export function varint(n: number): Buffer {
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  const out: number[] = [];
  while (z > 0x7f) {
    out.push((z & 0x7f) | 0x80);
    z >>>= 7;
  }
  out.push(z);
  return Buffer.from(out);
}

/** STRING / NULLABLE_STRING: int16 length (-1: null), UTF-8 bytes. */
export function string(s: string | null): Buffer {
  if (s === null) return int16(-1);
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([int16(b.length), b]);
}

/** BYTES / NULLABLE_BYTES: int32 length (-1: null), the bytes. */
export function bytes(b: Buffer | null): Buffer {
  return b === null ? int32(-1) : Buffer.concat([int32(b.length), b]);
}

/** A record's key, value or header value: varint length (-1: null), the bytes. */
export function varbytes(b: Buffer | null): Buffer {
  return b === null ? varint(-1) : Buffer.concat([varint(b.length), b]);
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as the record batch's checksum. */
export function crc32c(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads an answer front to back; a read past the end throws (a truncated or misparsed answer). */
export class WireReader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  private need(n: number): number {
    if (this.at + n > this.b.length) throw new Error(`Kafka answer ended early: ${n} bytes wanted at ${this.at} of ${this.b.length}`);
    const start = this.at;
    this.at += n;
    return start;
  }
  int16(): number {
    return this.b.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.b.readInt32BE(this.need(4));
  }
  int64(): bigint {
    return this.b.readBigInt64BE(this.need(8));
  }
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.b.toString('utf8', this.need(n), this.at);
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return Buffer.from(this.b.subarray(this.need(n), this.at));
  }
  get remaining(): number {
    return this.b.length - this.at;
  }
}
