import { describe, expect, it } from 'vitest';
import { checkPhantom } from './phantom.ts';
import { BASIC, healthyRun } from './testing.ts';
import type { Command } from '../workload/commands.ts';

describe('phantom', () => {
  it('passes a healthy run with a failed op', () => {
    const input = healthyRun(BASIC);
    expect(input.history.some((o) => o.outcome === 'fail')).toBe(true);
    expect(checkPhantom(input).valid).toBe(true);
  });

  it('finds a failed command whose event was stored (by causation id)', () => {
    // rename a@v2 answered 409 although it committed
    const input = healthyRun(BASIC, { 4: 'fail' });
    const r = checkPhantom(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({
      name: 'phantom',
      streamId: 'a',
      eventId: 'e-a-3',
      op: { id: 4 },
      data: { where: 'commands.events' },
    });
  });

  it('finds it on the topic when the write side has no causation ids', () => {
    const input = healthyRun(BASIC, { 4: 'fail' });
    input.write.events.forEach((e) => delete e.causationId);
    expect(checkPhantom(input).anomalies.map((a) => a.data?.where)).toEqual(['user-events']);
  });

  it('finds a stream that exists although every op on it failed', () => {
    const cmds: Command[] = [...BASIC, { kind: 'register', userId: 'c', name: 'Cy' }];
    const input = healthyRun(cmds, { 6: 'fail' });
    input.write.events.forEach((e) => delete e.causationId);
    input.topics.events.forEach((r) => delete r.headers['causation-id']);
    const r = checkPhantom(input);
    expect(r.anomalies).toEqual([expect.objectContaining({ streamId: 'c', data: { where: 'commands.events', ops: [6] } })]);
    expect(checkPhantom({ ...input, preexistingUsers: ['c'] }).valid).toBe(true);
  });

  it('never counts unknown ops, nor a fail whose retry with the same key was ok', () => {
    expect(checkPhantom(healthyRun(BASIC, { 4: 'unknown' })).valid).toBe(true);
    const input = healthyRun(BASIC, { 4: 'fail' });
    input.history.push({ ...input.history[4]!, id: 99, outcome: 'ok' });
    expect(checkPhantom(input).valid).toBe(true);
  });
});
