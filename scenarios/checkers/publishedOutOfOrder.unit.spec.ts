import { describe, expect, it } from 'vitest';
import { checkPublishedOutOfOrder } from './publishedOutOfOrder.ts';
import { BASIC, healthyRun } from './testing.ts';
import { POISON_ID_HEADER } from './types.ts';

// BASIC puts a@1, b@1, a@2, a@3, b@2 on partition 0 at offsets 0..4.
const at = (input: ReturnType<typeof healthyRun>, offset: string) => input.topics.events.find((r) => r.offset === offset)!;

describe('published-out-of-order', () => {
  it('passes a healthy run (each stream in version order on its partition)', () => {
    expect(checkPublishedOutOfOrder(healthyRun(BASIC)).valid).toBe(true);
  });

  it("finds a stream's later version published before its earlier one", () => {
    const input = healthyRun(BASIC);
    const [a2, a3] = [at(input, '2'), at(input, '3')];
    [a2.value, a3.value] = [a3.value, a2.value];
    const r = checkPublishedOutOfOrder(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'published-out-of-order',
        streamId: 'a',
        versions: [3, 2],
        data: expect.objectContaining({ offset: '3' }),
      }),
    ]);
  });

  it('reads offsets as numbers, not text (offset 10 comes after offset 9)', () => {
    const input = healthyRun(BASIC);
    at(input, '3').offset = '10'; // a@3 now last: still in order
    at(input, '4').offset = '9';
    expect(checkPublishedOutOfOrder(input).valid).toBe(true);
  });

  it('counts only first copies: a re-send of an earlier version after a later one is not a reordering', () => {
    const input = healthyRun(BASIC);
    input.topics.events.push({ ...at(input, '0'), offset: '5' }); // a@1 again, after a@3
    expect(checkPublishedOutOfOrder(input).valid).toBe(true);
  });

  it('skips what the nemesis injected (at its recorded partition/offset) and poison records', () => {
    const input = healthyRun(BASIC);
    for (const r of input.topics.events) r.offset = String(Number(r.offset) * 10); // 0, 10, 20, 30, 40
    input.topics.events.push({ ...at(input, '30'), offset: '15' }); // a@3 before a@2
    input.topics.events.push({ partition: 0, offset: '16', key: 'a', value: 'garbage', headers: { [POISON_ID_HEADER]: 'p' } });
    expect(checkPublishedOutOfOrder(input).anomalies.map((a) => a.versions)).toEqual([[3, 2]]);
    input.injections = [
      { type: 'inject', what: 'reversed-pair', topic: 'user-events', partition: 0, offset: '15', t: { ms: 0, wall: '' } },
    ];
    expect(checkPublishedOutOfOrder(input).valid).toBe(true);
  });

  it('judges each partition on its own', () => {
    const input = healthyRun(BASIC);
    const a3 = at(input, '3');
    input.topics.events.push({ ...a3, partition: 1, offset: '0' }); // a@3 first on partition 1: nothing earlier there
    expect(checkPublishedOutOfOrder(input).valid).toBe(true);
  });
});
