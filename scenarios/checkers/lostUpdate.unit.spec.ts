import { describe, expect, it } from 'vitest';
import type { CommandOp, Outcome } from '../history/types.ts';
import { checkLostUpdate } from './lostUpdate.ts';
import { BASIC, healthyRun } from './testing.ts';

const op = (
  id: number,
  o: {
    invoke: number;
    complete: number | null;
    outcome: Outcome;
    version?: number;
    expectedVersion?: number;
    key?: string;
    userId?: string;
  },
): CommandOp => ({
  id,
  process: 0,
  kind: 'rename',
  userId: o.userId ?? 'u',
  idempotencyKey: o.key ?? `k${id}`,
  invoke: { ms: o.invoke, wall: '' },
  complete: o.complete === null ? null : { ms: o.complete, wall: '' },
  outcome: o.outcome,
  ...(o.version !== undefined ? { version: o.version } : {}),
  ...(o.expectedVersion !== undefined ? { expectedVersion: o.expectedVersion } : {}),
});
const check = (history: CommandOp[]) => checkLostUpdate({ ...healthyRun(BASIC), history });

describe('lost-update (a stale If-Match accepted)', () => {
  it('passes a healthy run, a refused stale If-Match, and racing commands whose order is unknown', () => {
    expect(checkLostUpdate(healthyRun(BASIC)).valid).toBe(true);
    const r = check([
      op(1, { invoke: 0, complete: 10, outcome: 'ok', version: 3 }),
      op(2, { invoke: 20, complete: 30, outcome: 'fail', expectedVersion: 1 }), // refused: right
      op(3, { invoke: 5, complete: 40, outcome: 'ok', version: 2, expectedVersion: 1 }), // sent before op 1 completed: a race it won
      op(4, { invoke: 50, complete: 60, outcome: 'ok', version: 4, expectedVersion: 3 }), // current: fine
      op(5, { invoke: 55, complete: null, outcome: 'unknown', expectedVersion: 1 }),
    ]);
    expect(r.valid).toBe(true);
  });

  it('finds an ok command whose If-Match an earlier completed ok had already made stale', () => {
    const r = check([
      op(1, { invoke: 0, complete: 10, outcome: 'ok', version: 2 }),
      op(2, { invoke: 20, complete: 30, outcome: 'ok', version: 2, expectedVersion: 1 }), // answered as if v1 were current
      op(3, { invoke: 20, complete: 30, outcome: 'ok', version: 2, expectedVersion: 1, userId: 'other' }),
    ]);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([expect.objectContaining({ name: 'lost-update', streamId: 'u', versions: [1, 2] })]);
  });

  it('does not blame a same-key re-send, whose answer is the first one replayed', () => {
    const r = check([
      op(1, { invoke: 0, complete: 10, outcome: 'ok', version: 2, expectedVersion: 1, key: 'same' }),
      op(2, { invoke: 20, complete: 30, outcome: 'ok', version: 3 }),
      op(3, { invoke: 40, complete: 50, outcome: 'ok', version: 2, expectedVersion: 1, key: 'same' }),
    ]);
    expect(r.valid).toBe(true);
  });

  it('finds an If-Match the answer contradicts: the event is not one version past the expected one (stale or ahead)', () => {
    const ahead = check([op(1, { invoke: 0, complete: 5, outcome: 'ok', version: 2, expectedVersion: 4 })]);
    expect(ahead.valid).toBe(false);
    expect(ahead.anomalies[0]).toMatchObject({ name: 'lost-update', versions: [4, 2], data: { ignored: true } });
    expect(check([op(1, { invoke: 0, complete: 5, outcome: 'ok', version: 5, expectedVersion: 2 })]).valid).toBe(false);
    expect(check([op(1, { invoke: 0, complete: 5, outcome: 'ok', version: 3, expectedVersion: 2 })]).valid).toBe(true);
    expect(check([op(1, { invoke: 0, complete: 5, outcome: 'fail', expectedVersion: 4 })]).valid).toBe(true);
  });
});
