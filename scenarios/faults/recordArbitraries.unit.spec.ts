// Every record shape the fuzzer promises is reachable from its arbitraries, sizes land on the
// limits, and no drawn record other than a copy is ever a valid event (by the projector's own parser).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../system/projector/parseRecord.ts';
import { singleRecordBatchBytes } from '../../system/testing/rawKafka/recordBatch.ts';
import { drawSpecs, parseOnly } from './fuzzFamily.ts';
import {
  ENVELOPE_BREAKS,
  envelopeArb,
  LIMITS,
  SYSTEM_HEADER_NAMES,
  realize,
  recordSpecArb,
  type RealizeContext,
  type RealizedRecord,
  type RecordSpec,
} from './recordArbitraries.ts';

const live: string[] = [randomUUID(), randomUUID()];
const ctx: RealizeContext = {
  partitions: 3,
  liveStreams: live.map((s, i) => ({ streamId: s, partition: i })),
  applied: [
    {
      key: Buffer.from(live[0]!),
      value: Buffer.from('{"a real event":true}'),
      partition: 0,
      eventId: randomUUID(),
      streamId: live[0]!,
      streamVersion: 3,
    },
  ],
};

const specs: RecordSpec[] = fc.sample(recordSpecArb, { seed: 42, numRuns: 4000 });
const realized = specs.map((s) => ({ spec: s, r: realize(s, ctx)! }));
const records = realized.filter((x) => x.spec.kind === 'record') as Array<{
  spec: Extract<RecordSpec, { kind: 'record' }>;
  r: RealizedRecord;
}>;
const STRICT = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (b: Buffer) => {
  try {
    STRICT.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('record arbitraries', () => {
  it('reach every key shape: null, empty, binary, a live stream id, a fresh stream id, very long', () => {
    const kinds = new Set(records.map((x) => x.spec.key.kind));
    expect([...kinds].sort()).toEqual(['binary', 'empty', 'fresh-stream', 'live-stream', 'long', 'null']);
    expect(records.some((x) => x.r.key !== null && live.includes(x.r.key.toString()))).toBe(true);
    expect(records.some((x) => x.r.key !== null && !isUtf8(x.r.key))).toBe(true);
    const longKeys = new Set(records.filter((x) => x.spec.key.kind === 'long').map((x) => x.r.key!.length));
    for (const n of [
      LIMITS.streamIdColumn,
      LIMITS.streamIdColumn + 1,
      LIMITS.cutHeaderBytes - 1,
      LIMITS.cutHeaderBytes,
      LIMITS.cutHeaderBytes + 1,
    ])
      expect(longKeys).toContain(n);
  });

  it('reach every value shape: a tombstone on a live stream, empty, invalid UTF-8, JSON edge cases', () => {
    expect(records.some((x) => x.r.value === null && x.r.blocksLiveStream !== undefined)).toBe(true);
    expect(records.some((x) => x.r.value?.length === 0)).toBe(true);
    expect(records.some((x) => x.r.value !== null && x.r.value.length > 0 && !isUtf8(x.r.value))).toBe(true);
    const json = records.filter((x) => x.spec.value.kind === 'json' && x.r.value !== null).map((x) => x.r.value!.toString());
    expect(new Set(json).size).toBeGreaterThan(30);
    expect(json).toContain('{}');
    expect(json.some((t) => t.startsWith('\ufeff'))).toBe(true);
  });

  it('size values at the limits: the broker batch at and one byte under its maximum, the cut value one byte either side', () => {
    const broker = records.filter((x) => x.spec.value.kind === 'sized' && x.spec.value.limit === 'broker-batch');
    const batches = new Set(broker.map((x) => singleRecordBatchBytes(x.r)));
    expect(batches).toEqual(new Set([LIMITS.brokerBatchBytes, LIMITS.brokerBatchBytes - 1]));
    const cut = new Set(
      records.filter((x) => x.spec.value.kind === 'sized' && x.spec.value.limit === 'cut-value').map((x) => x.r.value!.length),
    );
    expect(cut).toEqual(new Set([LIMITS.cutValueBytes - 1, LIMITS.cutValueBytes, LIMITS.cutValueBytes + 1]));
  });

  it('reach every header shape: null values, repeated names interleaved, binary, huge, the system names with bad values', () => {
    const all = realized.map((x) => x.r.headers);
    expect(all.some((h) => h.some(([, v]) => v === null))).toBe(true);
    expect(all.some((h) => h.some(([n], i) => h.findIndex(([m]) => m === n) !== i))).toBe(true);
    // a name repeated with another between its values
    expect(all.some((h) => h.some(([n], i) => i >= 2 && h[i - 1]![0] !== n && h.slice(0, i - 1).some(([m]) => m === n)))).toBe(true);
    expect(all.some((h) => h.some(([, v]) => v !== null && v.length > 0 && !isUtf8(v)))).toBe(true);
    const sizes = new Set(all.flatMap((h) => h.map(([, v]) => v?.length ?? -1)));
    for (const n of [LIMITS.cutHeaderBytes - 1, LIMITS.cutHeaderBytes, LIMITS.cutHeaderBytes + 1, 70 * 1024]) expect(sizes).toContain(n);
    for (const name of ['traceparent', 'correlation-id', 'event-id', 'kafka_dlt-original-offset', 'faultline-dlt-null-headers']) {
      expect(SYSTEM_HEADER_NAMES).toContain(name);
      expect(all.some((h) => h.some(([n, v]) => n === name && v === null))).toBe(true);
    }
  });

  it('copy applied events (key and value as published) with drawn headers', () => {
    const copies = realized.filter((x) => x.spec.kind === 'copy');
    expect(copies.length).toBeGreaterThan(specs.length / 10);
    for (const c of copies) {
      expect(c.r.value).toEqual(ctx.applied[0]!.value);
      expect(c.r.copyOf?.eventId).toBe(ctx.applied[0]!.eventId);
    }
  });

  it('never draw a valid event other than a copy (the projector parses none of them)', () => {
    for (const x of records) expect(parseRecord(x.r.key, x.r.value).ok, x.r.shape).toBe(false);
  });

  it('draw whole envelopes with exactly one field broken, the version at its lowest bound half the time', () => {
    const drawn = fc.sample(envelopeArb, { seed: 7, numRuns: 600 }).map((v) => (v.kind === 'json' ? v.text : ''));
    const broken = new Set<string>();
    let atOne = 0;
    for (const text of drawn) {
      const e = JSON.parse(text) as Record<string, unknown>;
      const result = parseRecord(null, Buffer.from(text));
      expect(result.ok, text).toBe(false);
      const versionBroken = !(
        Number.isSafeInteger(e.streamVersion) &&
        (e.streamVersion as number) >= 1 &&
        (e.streamVersion as number) <= 2 ** 31
      );
      if (versionBroken) broken.add('streamVersion');
      if (e.streamVersion === 1) atOne++;
      if (e.type === 'UserMerged') broken.add('type');
      if (e.eventId === 'not-a-uuid') broken.add('eventId');
      if (e.streamId === 'not-a-uuid') broken.add('streamId');
      if (e.schemaVersion === 999) broken.add('schemaVersion');
      if (e.occurredAt === 'yesterday') broken.add('occurredAt');
      if (!('correlationId' in e)) broken.add('correlationId');
      if (typeof e.payload !== 'object' || (e.payload as { name?: string }).name === '') broken.add('payload');
    }
    expect([...broken].sort()).toEqual([...ENVELOPE_BREAKS].sort());
    expect(atOne).toBeGreaterThan(drawn.length / 4);
  });

  it('on a live stream, only values that name no version (a dead letter there holds the whole stream until discarded)', () => {
    for (const x of records.filter((y) => y.r.blocksLiveStream)) {
      const v = x.r.value?.toString() ?? '';
      expect(v).not.toMatch(/"streamVersion"/);
      expect(x.r.partition).toBe(live.indexOf(x.r.blocksLiveStream!));
    }
  });

  it('resolve nothing without the run data a spec needs', () => {
    const empty: RealizeContext = { partitions: 3, liveStreams: [], applied: [] };
    expect(realize({ kind: 'copy', pick: 1, headers: [] }, empty)).toBeUndefined();
    expect(
      realize({ kind: 'record', key: { kind: 'live-stream', pick: 0 }, value: { kind: 'empty' }, headers: [], partition: 4 }, empty),
    ).toBeUndefined();
    expect(realize({ kind: 'record', key: { kind: 'null' }, value: { kind: 'empty' }, headers: [], partition: 4 }, empty)?.partition).toBe(
      1,
    );
  });
});

describe('drawn lists', () => {
  it('a seed names the same list every time, so an index names one record', () => {
    expect(drawSpecs(7, 12)).toEqual(drawSpecs(7, 12));
    expect(drawSpecs(7, 12)).not.toEqual(drawSpecs(8, 12));
    expect(drawSpecs(7, 12)).toHaveLength(12);
  });
  it('only picks indices in range', () => {
    expect(parseOnly(undefined, 3)).toEqual([0, 1, 2]);
    expect(parseOnly('2, 0,9,x', 3)).toEqual([2, 0]);
  });
});
