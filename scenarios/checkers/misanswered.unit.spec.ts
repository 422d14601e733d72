import { describe, expect, it } from 'vitest';
import type { CommandOp } from '../history/types.ts';
import { checkMisanswered } from './misanswered.ts';
import { BASIC, healthyRun, wall, type TestInput } from './testing.ts';

// BASIC: op0 register a, op1 register b, op2 rename a (v2), op3 rename zz (404), op4 rename a @v2 (v3), op5 delete b.
const at = (ms: number) => ({ ms, wall: wall(ms) });

/** Op 4 (rename a @v2, valid) answered with another command's 409 instead of v3. */
function refusedValid(): TestInput {
  const input = healthyRun(BASIC);
  const op = input.history[4]!;
  Object.assign(op, { outcome: 'fail', status: 409 });
  delete op.version;
  delete op.eventId;
  return input;
}

const extra = (input: TestInput, o: Partial<CommandOp> & Pick<CommandOp, 'id' | 'kind' | 'userId'>): CommandOp => {
  const op: CommandOp = { process: 0, idempotencyKey: `key-${o.id}`, invoke: at(0), complete: at(1), outcome: 'ok', ...o };
  input.history.push(op);
  return op;
};

describe('misanswered', () => {
  it('passes a healthy run, its deliberate conflicts included', () => {
    const input = healthyRun([
      ...BASIC,
      { kind: 'rename', userId: 'a', name: 'Stale', expectedVersion: 1 },
      { kind: 'rename', userId: 'b', name: 'Gone' },
    ]);
    expect(input.history.slice(-2).map((o) => o.status)).toEqual([409, 410]);
    expect(checkMisanswered(input).valid).toBe(true);
  });

  it('flags a valid command refused with a domain error when nothing on its stream could explain it', () => {
    const r = checkMisanswered(refusedValid());
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'misanswered',
        streamId: 'a',
        data: expect.objectContaining({ evidence: 'valid-refused', status: 409, predicted: 200, streamVersion: 2 }),
      }),
    ]);
  });

  it('does not judge it when another command on the stream was in flight beside it', () => {
    const input = refusedValid();
    const x = input.history[4]!;
    extra(input, {
      id: 90,
      kind: 'rename',
      userId: 'a',
      name: 'Racer',
      invoke: at(x.invoke.ms + 1),
      complete: at(x.invoke.ms + 2),
      outcome: 'fail',
      status: 409,
    });
    expect(checkMisanswered(input).valid).toBe(true);
  });

  it('does not judge it when an earlier command on the stream had an unknown outcome', () => {
    const input = refusedValid();
    input.history[2]!.outcome = 'unknown';
    expect(checkMisanswered(input).valid).toBe(true);
  });

  it('does not judge it when an earlier command was still unanswered when it was sent', () => {
    const input = refusedValid();
    input.history[2]!.complete = at(input.history[4]!.invoke.ms + 1);
    expect(checkMisanswered(input).valid).toBe(true);
  });

  it('flags another request under an answered key when it is answered 2xx, not when it is refused 422 or is the same request', () => {
    const input = healthyRun(BASIC);
    const first = input.history[2]!; // rename a → Anna, ok v2
    const reuse = extra(input, {
      id: 91,
      kind: 'rename',
      userId: 'b',
      name: 'Other',
      idempotencyKey: first.idempotencyKey,
      invoke: at(500),
      complete: at(505),
      outcome: 'ok',
      status: 200,
      version: first.version!,
      eventId: first.eventId!,
    });
    const r = checkMisanswered(input);
    expect(r.anomalies).toEqual([
      expect.objectContaining({
        name: 'misanswered',
        op: reuse,
        data: expect.objectContaining({ evidence: 'key-reused', firstOp: first.id }),
      }),
    ]);
    Object.assign(reuse, { outcome: 'fail', status: 422 });
    expect(checkMisanswered(input).valid).toBe(true);
    Object.assign(reuse, { userId: first.userId, name: first.name, outcome: 'ok', status: 200 });
    expect(checkMisanswered(input).valid).toBe(true);
  });
});
