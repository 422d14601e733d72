import { describe, expect, it } from 'vitest';
import { checkMispartitioned } from './mispartitioned.ts';
import { BASIC, healthyRun } from './testing.ts';
import { POISON_ID_HEADER } from './types.ts';

describe('mispartitioned', () => {
  it('passes a healthy run (every record keyed by its stream, one partition each)', () => {
    expect(checkMispartitioned(healthyRun(BASIC)).valid).toBe(true);
  });

  it('finds a stream spread over two partitions', () => {
    const input = healthyRun(BASIC);
    input.topics.events.filter((r) => r.key === 'a').at(-1)!.partition = 2;
    const r = checkMispartitioned(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({ name: 'mispartitioned', streamId: 'a', data: expect.objectContaining({ evidence: 'partitions' }) }),
    ]);
  });

  it('finds a record keyed by something other than its stream id (e.g. the event id)', () => {
    const input = healthyRun(BASIC);
    const rec = input.topics.events[0]!;
    rec.key = 'e-a-1';
    expect(checkMispartitioned(input).anomalies).toEqual([
      expect.objectContaining({ streamId: 'a', eventId: 'e-a-1', data: expect.objectContaining({ evidence: 'key', key: 'e-a-1' }) }),
    ]);
  });

  it('skips poison and records the nemesis injected elsewhere', () => {
    const input = healthyRun(BASIC);
    input.topics.events.push({ partition: 3, offset: '0', key: 'x', value: 'not json', headers: { [POISON_ID_HEADER]: 'p1' } });
    const copy = { ...input.topics.events[0]!, partition: 1, offset: '7', key: null };
    input.topics.events.push(copy);
    expect(checkMispartitioned(input).valid).toBe(false);
    input.injections = [{ type: 'inject', what: 'duplicate', topic: 'user-events', partition: 1, offset: '7', t: { ms: 0, wall: '' } }];
    expect(checkMispartitioned(input).valid).toBe(true);
  });
});
