import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkDlqCutUnmarked } from './dlqCutUnmarked.ts';
import { BASIC, healthyRun, type TestInput } from './testing.ts';
import { DLQ_HEADERS, type TopicRecord } from './types.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const BIG = 'x'.repeat(900);
const CUT = BIG.slice(0, 64);

/** An oversized original at 0@100 and its dead letter, cut to 64 bytes, with the given headers. */
function withCutCopy(headers: Record<string, string>, copy = CUT): TestInput {
  const input = healthyRun(BASIC);
  input.topics.events.push({ partition: 0, offset: '100', key: 'k', headers: {}, value: BIG, valueBytes: 900, valueSha256: sha(BIG) });
  const dl: TopicRecord = {
    partition: 0,
    offset: '0',
    key: 'k',
    headers,
    value: copy,
    valueBytes: Buffer.byteLength(copy),
    valueSha256: sha(copy),
    dlt: { originalTopic: 'user-events', originalPartition: 0, originalOffset: '100' },
  };
  input.topics.dlq.push(dl);
  return input;
}

const MARKED = {
  [DLQ_HEADERS.truncated]: 'value 900 bytes; the full record is in the dead_letters table',
  [DLQ_HEADERS.valueLength]: '900',
  [DLQ_HEADERS.valueSha256]: sha(BIG),
};

describe('dlq-cut-unmarked', () => {
  it('passes a cut copy that says it was cut, with the original length and SHA-256', () => {
    expect(checkDlqCutUnmarked(withCutCopy(MARKED)).valid).toBe(true);
  });

  it('passes a whole copy without any truncation header', () => {
    expect(checkDlqCutUnmarked(withCutCopy({}, BIG)).valid).toBe(true);
  });

  it('flags a cut copy without the truncation header, length and hash', () => {
    const r = checkDlqCutUnmarked(withCutCopy({}));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({ name: 'dlq-cut-unmarked', data: { original: '0@100', copyBytes: 64, originalBytes: 900 } });
  });

  it('flags a cut copy whose length or hash header is not the original one', () => {
    expect(checkDlqCutUnmarked(withCutCopy({ ...MARKED, [DLQ_HEADERS.valueLength]: '64' })).valid).toBe(false);
    expect(checkDlqCutUnmarked(withCutCopy({ ...MARKED, [DLQ_HEADERS.valueSha256]: sha(CUT) })).valid).toBe(false);
  });

  it('flags a copy of the same length with other bytes', () => {
    expect(checkDlqCutUnmarked(withCutCopy({}, 'y'.repeat(900))).valid).toBe(false);
  });

  it('flags a whole copy that says it was cut, unless the record itself carried that header', () => {
    const r = checkDlqCutUnmarked(withCutCopy({ [DLQ_HEADERS.truncated]: 'value 900 bytes' }, BIG));
    expect(r.anomalies[0]!.message).toMatch(/says it was cut .* but holds the original 0@100's very bytes/);
    const carried = withCutCopy({ [DLQ_HEADERS.truncated]: 'forged' }, BIG);
    carried.topics.events[carried.topics.events.length - 1]!.headers[DLQ_HEADERS.truncated] = 'forged';
    expect(checkDlqCutUnmarked(carried).valid).toBe(true);
  });

  it('holds the dead_letters row to what reached the topic: full, truncated, or none', () => {
    const filed = (input: TestInput, topicCopy: string) => {
      input.read.deadLetters = [
        {
          id: 7,
          streamId: null,
          eventId: null,
          streamVersion: null,
          status: 'open',
          blocksStream: true,
          createdAt: '',
          resolvedAt: null,
          topic: 'user-events',
          partition: 0,
          offset: '100',
          topicCopy,
        },
      ];
      return checkDlqCutUnmarked(input);
    };
    expect(filed(withCutCopy(MARKED), 'truncated').valid).toBe(true);
    expect(filed(withCutCopy({}, BIG), 'full').valid).toBe(true);
    expect(filed(withCutCopy({}, BIG), 'truncated').anomalies[0]!.message).toBe(
      'dead letter #7 (record 0@100) is filed with topic_copy "truncated", but the dead-letter topic holds a full copy',
    );
    const none = withCutCopy(MARKED);
    none.topics.dlq = [];
    expect(filed(none, 'none').valid).toBe(true);
    expect(filed(none, 'full').anomalies[0]!.message).toMatch(/topic_copy "full", but the dead-letter topic holds no copy of it/);
  });

  it('does not judge a run directory read before sizes and hashes were recorded', () => {
    const input = withCutCopy({});
    delete input.topics.events.at(-1)!.valueSha256;
    expect(checkDlqCutUnmarked(input).valid).toBe(true);
  });
});
