import { describe, expect, it } from 'vitest';
import { checkPoisonLost } from './poisonLost.ts';
import { BASIC, healthyRun, type TestInput } from './testing.ts';
import { DLQ_HEADERS, POISON_ID_HEADER } from './types.ts';

function withPoison(): TestInput {
  const input = healthyRun(BASIC);
  input.poison = [
    { poisonId: 'p1', case: 'garbage', partition: 0, offset: '100' },
    { poisonId: 'p2', case: 'unknown-type', partition: 1, offset: '7', eventId: 'pe-2' },
    { poisonId: 'p3', case: 'oversized', partition: 0, offset: '101' },
  ];
  return input;
}

describe('poison-lost', () => {
  it('passes when every poison is accounted for: DLQ by header, DLQ by original offset, parked', () => {
    const input = withPoison();
    input.topics.dlq = [
      { partition: 0, offset: '0', key: null, value: null, headers: { [POISON_ID_HEADER]: 'p1' } },
      {
        partition: 0,
        offset: '1',
        key: null,
        value: null,
        headers: { [DLQ_HEADERS.originalTopic]: 'user-events', [DLQ_HEADERS.originalPartition]: '1', [DLQ_HEADERS.originalOffset]: '7' },
      },
    ];
    input.read.parked = [{ partition: 0, offset: '101', reason: 'too large' }];
    expect(checkPoisonLost(input).valid).toBe(true);
  });

  it('names every poison that went nowhere', () => {
    const input = withPoison();
    input.topics.dlq = [{ partition: 0, offset: '0', key: null, value: null, headers: { [POISON_ID_HEADER]: 'p1' } }];
    const r = checkPoisonLost(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies.map((a) => a.data?.poisonId)).toEqual(['p2', 'p3']);
    expect(r.anomalies[0]).toMatchObject({ name: 'poison-lost', eventId: 'pe-2', data: { case: 'unknown-type' } });
  });

  it('matches by the decoded original position (binary headers) when the reader filled dlt', () => {
    const input = withPoison();
    input.poison = [input.poison[1]!];
    input.topics.dlq = [
      {
        partition: 0,
        offset: '0',
        key: null,
        value: null,
        headers: { [DLQ_HEADERS.originalPartition]: '\u0000\u0000\u0000\u0001' },
        dlt: { originalTopic: 'user-events', originalPartition: 1, originalOffset: '7' },
      },
    ];
    expect(checkPoisonLost(input).valid).toBe(true);
    input.topics.dlq[0]!.dlt!.originalOffset = '8';
    expect(checkPoisonLost(input).valid).toBe(false);
  });

  it('a DLQ record from another topic at the same offset does not count', () => {
    const input = withPoison();
    input.poison = [input.poison[1]!];
    input.topics.dlq = [
      {
        partition: 0,
        offset: '0',
        key: null,
        value: null,
        headers: { [DLQ_HEADERS.originalTopic]: 'other', [DLQ_HEADERS.originalPartition]: '1', [DLQ_HEADERS.originalOffset]: '7' },
      },
    ];
    expect(checkPoisonLost(input).valid).toBe(false);
  });
});
