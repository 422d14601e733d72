// A record batch (magic 2) written by hand: what kafkajs' encoder refuses goes on the wire as it
// is, a header whose value is null (length -1, as `kcat -H name` sends it), a name repeated in
// any order, any bytes in key, value and headers.
import { crc32c, int16, int32, int64, int8, varbytes, varint } from './wire.ts';

export interface RawHeaderRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** In order, as they go on the wire: a name may repeat, a value may be null. */
  headers: Array<[string, Buffer | null]>;
}

/** One record of a batch: its length, then attributes, deltas, key, value and headers. */
export function encodeRecord(r: RawHeaderRecord, offsetDelta: number, timestampDelta = 0): Buffer {
  const headers = r.headers.map(([name, v]) => Buffer.concat([varbytes(Buffer.from(name, 'utf8')), varbytes(v)]));
  const body = Buffer.concat([
    int8(0), // attributes (unused)
    varint(timestampDelta),
    varint(offsetDelta),
    varbytes(r.key),
    varbytes(r.value),
    varint(r.headers.length),
    ...headers,
  ]);
  return Buffer.concat([varint(body.length), body]);
}

/** The batch: no compression, not transactional, no producer id; `now` is every record's timestamp. */
export function encodeRecordBatch(records: readonly RawHeaderRecord[], now: bigint = BigInt(Date.now())): Buffer {
  if (records.length === 0) throw new Error('a record batch needs at least one record');
  const body = Buffer.concat([
    int16(0), // attributes
    int32(records.length - 1), // last offset delta
    int64(now), // base timestamp
    int64(now), // max timestamp
    int64(-1n), // producer id: none
    int16(-1), // producer epoch
    int32(-1), // base sequence
    int32(records.length),
    ...records.map((r, i) => encodeRecord(r, i)),
  ]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(body));
  const afterLength = Buffer.concat([int32(-1) /* partition leader epoch */, int8(2) /* magic */, crc, body]);
  return Buffer.concat([int64(0n) /* base offset */, int32(afterLength.length), afterLength]);
}

/** The size of the batch holding only `r`: what the broker compares with `max.message.bytes`. */
export function singleRecordBatchBytes(r: RawHeaderRecord): number {
  // 61 bytes of batch header, then the record (its varint length included).
  return 61 + encodeRecord(r, 0).length;
}
