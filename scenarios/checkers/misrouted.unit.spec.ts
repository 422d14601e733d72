import { describe, expect, it } from 'vitest';
import type { FaultWindow } from '../history/types.ts';
import { checkMisrouted } from './misrouted.ts';
import { BASIC, healthyRun, wall, type TestInput } from './testing.ts';
import { DLQ_HEADERS, POISON_ID_HEADER } from './types.ts';

const T0 = Date.parse(wall(0));
const window = (target: string, startMs: number, stopMs: number | null): FaultWindow => ({
  faultId: 0,
  fault: 'down',
  target,
  start: { ms: startMs, wall: wall(startMs) },
  stop: stopMs === null ? null : { ms: stopMs, wall: wall(stopMs) },
});

/** Event e-a-2 dead-lettered at t = 20 s, retry budget 5 s. */
function deadLettered(faults: FaultWindow[]): TestInput {
  const input = healthyRun(BASIC);
  const rec = input.topics.events.find((r) => r.headers['event-id'] === 'e-a-2')!;
  input.topics.dlq = [{ ...rec, timestamp: String(T0 + 20_000) }];
  input.faults = faults;
  input.retryBudgetMs = 5_000;
  return input;
}

describe('misrouted', () => {
  it('passes with no DLQ records', () => {
    expect(checkMisrouted(healthyRun(BASIC)).valid).toBe(true);
  });

  it('finds a valid event dead-lettered with no fault on the apply path', () => {
    const r = checkMisrouted(deadLettered([window('relay-kafka', 0, 60_000)]));
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([expect.objectContaining({ name: 'misrouted', streamId: 'a', eventId: 'e-a-2', versions: [2] })]);
  });

  it('finds one dead-lettered although its fault healed within the retry budget', () => {
    // projector-db down 2 s (< 5 s budget), healed 16 s before the dead-lettering
    expect(checkMisrouted(deadLettered([window('projector-db', 2_000, 4_000)])).valid).toBe(false);
  });

  it('accepts it when a fault outlasting the budget covered the dead-letter time (or is never healed)', () => {
    expect(checkMisrouted(deadLettered([window('projector-db', 10_000, 20_500)])).valid).toBe(true);
    expect(checkMisrouted(deadLettered([window('queries-db', 12_000, null)])).valid).toBe(true);
  });

  it('finds a valid event the projector blamed, even inside an outage that outlasted the budget', () => {
    // The projector let a rename of stream a past a.1's open dead letter (an outage spent the
    // budget of a.1, the registration): a.2 was tried on a stream with no user and dead-lettered
    // as unapplyable. A replay of both in id order then hides it in the read model.
    const outage = [window('projector-db', 10_000, 30_000)];
    const input = deadLettered(outage);
    const at = (fqcn: string) => ({ [DLQ_HEADERS.exceptionFqcn]: fqcn, [DLQ_HEADERS.exceptionMessage]: 'x' });
    input.topics.dlq[0]!.headers = { ...input.topics.dlq[0]!.headers, ...at('faultline.NoSuchUserError') };
    const r = checkMisrouted(input);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'misrouted',
        eventId: 'e-a-2',
        data: expect.objectContaining({ fqcn: 'faultline.NoSuchUserError' }),
      }),
    ]);
    // The same record dead-lettered for a spent budget is the outage's doing.
    input.topics.dlq[0]!.headers = { ...input.topics.dlq[0]!.headers, ...at('faultline.projector.RetriesExhaustedError') };
    expect(checkMisrouted(input).valid).toBe(true);
  });

  it('ignores poison and records whose event id is not in the write store', () => {
    const input = deadLettered([]);
    input.topics.dlq[0]!.headers[POISON_ID_HEADER] = 'p1';
    input.topics.dlq.push({ partition: 0, offset: '9', key: null, value: '???', headers: { 'event-id': 'not-ours' } });
    expect(checkMisrouted(input).valid).toBe(true);
  });
});
