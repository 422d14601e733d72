// A raw Kafka producer for tests: one Produce request (v3, record batch v2, acks=all) written by
// hand, so a test can send what kafkajs' encoder refuses: a header whose value is null (header
// value length -1, as `kcat -H name` sends it), a name repeated in any order, any bytes. Test code
// only: the system never produces like this. The partition's leader is found through kafkajs' admin.
import { connect } from 'node:net';
import type { Kafka } from 'kafkajs';

export interface RawHeaderRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** In order, as they go on the wire: a name may repeat, a value may be null. */
  headers: Array<[string, Buffer | null]>;
}

/** Produces `records` as one batch to `topic`/`partition`; resolves with the base offset. */
export async function rawProduce(kafka: Kafka, topic: string, partition: number, records: RawHeaderRecord[]): Promise<bigint> {
  const admin = kafka.admin();
  await admin.connect();
  let host: string;
  let port: number;
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const leader = meta.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
    const node = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader);
    if (!node) throw new Error(`no leader for ${topic}/${partition}`);
    ({ host, port } = node);
  } finally {
    await admin.disconnect();
  }
  const request = produceRequest(topic, partition, recordBatch(records));
  const response = await roundTrip(host, port, request);
  return parseProduceResponse(response);
}

const CORRELATION_ID = 7;

function produceRequest(topic: string, partition: number, batch: Buffer): Buffer {
  const clientId = Buffer.from('faultline-raw-produce', 'utf8');
  const topicName = Buffer.from(topic, 'utf8');
  const body = Buffer.concat([
    int16(0), // api key: Produce
    int16(3), // api version
    int32(CORRELATION_ID),
    int16(clientId.length),
    clientId,
    int16(-1), // transactional id: null
    int16(-1), // acks: all
    int32(10_000), // timeout ms
    int32(1), // topics
    int16(topicName.length),
    topicName,
    int32(1), // partitions
    int32(partition),
    int32(batch.length),
    batch,
  ]);
  return Buffer.concat([int32(body.length), body]);
}

function parseProduceResponse(b: Buffer): bigint {
  let at = 0;
  const correlation = b.readInt32BE(at);
  at += 4;
  if (correlation !== CORRELATION_ID) throw new Error(`unexpected correlation id ${correlation}`);
  at += 4; // topics (1)
  at += 2 + b.readInt16BE(at); // topic name
  at += 4; // partitions (1)
  at += 4; // partition index
  const errorCode = b.readInt16BE(at);
  at += 2;
  const baseOffset = b.readBigInt64BE(at);
  if (errorCode !== 0) throw new Error(`produce refused: Kafka error code ${errorCode}`);
  return baseOffset;
}

function roundTrip(host: string, port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error('raw produce: no answer within 15 s')), 15_000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        clearTimeout(timer);
        socket.end();
        resolve(got.subarray(4, 4 + got.readInt32BE(0)));
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function recordBatch(records: RawHeaderRecord[]): Buffer {
  const now = BigInt(Date.now());
  const body = Buffer.concat([
    int16(0), // attributes: no compression, not transactional
    int32(records.length - 1), // last offset delta
    int64(now),
    int64(now),
    int64(-1n), // producer id: none
    int16(-1), // producer epoch
    int32(-1), // base sequence
    int32(records.length),
    ...records.map((r, i) => record(r, i)),
  ]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(body));
  const afterLength = Buffer.concat([int32(-1) /* partition leader epoch */, Buffer.from([2]) /* magic */, crc, body]);
  return Buffer.concat([int64(0n), int32(afterLength.length), afterLength]);
}

function record(r: RawHeaderRecord, offsetDelta: number): Buffer {
  const bytes = (b: Buffer | null) => (b === null ? varint(-1) : Buffer.concat([varint(b.length), b]));
  const headers = r.headers.map(([name, v]) => {
    const n = Buffer.from(name, 'utf8');
    return Buffer.concat([varint(n.length), n, bytes(v)]);
  });
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    varint(0), // timestamp delta
    varint(offsetDelta),
    bytes(r.key),
    bytes(r.value),
    varint(r.headers.length),
    ...headers,
  ]);
  return Buffer.concat([varint(body.length), body]);
}

/** Kafka's varint: zigzag, then 7 bits a byte, low first. */
function varint(n: number): Buffer {
  let z = (n << 1) ^ (n >> 31);
  const out: number[] = [];
  z >>>= 0;
  while (z > 0x7f) {
    out.push((z & 0x7f) | 0x80);
    z >>>= 7;
  }
  out.push(z);
  return Buffer.from(out);
}

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32c(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC32C_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
