import { describe, expect, it } from 'vitest';
import { checkLost } from './lost.ts';
import { BASIC, healthyRun, without } from './testing.ts';

describe('lost', () => {
  it('passes a healthy run', () => {
    expect(checkLost(healthyRun(BASIC))).toEqual({ name: 'lost', valid: true, anomalies: [] });
  });

  it('names an ok op whose event was never applied, and how far it got', () => {
    const input = healthyRun(BASIC);
    input.read.applied = without(input.read.applied, (r) => r.eventId === 'e-a-2');
    const r = checkLost(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({
      name: 'lost',
      streamId: 'a',
      eventId: 'e-a-2',
      versions: [2],
      op: { id: 2, kind: 'rename' },
      data: { stage: 'never-applied' },
    });
  });

  it('tells never-published (dual-write under broker outage) from never-written and dead-lettered', () => {
    const input = healthyRun(BASIC);
    input.read.applied = [];
    input.topics.events = without(input.topics.events, (r) => r.headers['event-id'] === 'e-a-1');
    input.write.events = without(input.write.events, (e) => e.eventId === 'e-b-1');
    input.topics.dlq = input.topics.events.filter((r) => r.headers['event-id'] === 'e-a-2');
    const stages = Object.fromEntries(checkLost(input).anomalies.map((a) => [a.eventId, a.data?.stage]));
    expect(stages).toMatchObject({
      'e-a-1': 'never-published',
      'e-b-1': 'never-written',
      'e-a-2': 'dead-lettered',
      'e-a-3': 'never-applied',
    });
  });

  it('never counts unknown or fail ops as lost', () => {
    const input = healthyRun(BASIC, { 2: 'unknown' });
    input.read.applied = without(input.read.applied, (r) => r.eventId === 'e-a-2');
    expect(checkLost(input).valid).toBe(true);
  });

  it('reports a loss once when an idempotent retry was answered with the same event', () => {
    const input = healthyRun(BASIC);
    input.history.push({ ...input.history[2]!, id: 50 });
    input.read.applied = without(input.read.applied, (r) => r.eventId === 'e-a-2');
    expect(checkLost(input).anomalies.map((a) => a.op?.id)).toEqual([2]);
  });

  it('falls back to stream + version when the response carried no event id', () => {
    const input = healthyRun(BASIC);
    delete input.history[4]!.eventId;
    expect(checkLost(input).valid).toBe(true);
    input.read.applied = without(input.read.applied, (r) => r.streamId === 'a' && r.streamVersion === 3);
    expect(checkLost(input).anomalies.map((a) => a.op?.id)).toEqual([4]);
  });
});
