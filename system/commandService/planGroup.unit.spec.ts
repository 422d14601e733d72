// One group, many commands: each keeps its own outcome, and the rows the group writes are exactly
// those of the commands that were accepted.
import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConcurrencyError,
  IdempotencyKeyReuseError,
  NotFoundError,
  StreamDeletedError,
  ValidationError,
} from '../shared/errors.ts';
import type { Command } from './decide.ts';
import type { UserState } from './evolve.ts';
import { planGroup, type GroupReads, type PendingCommand, type StoredResponse } from './planGroup.ts';

const A = '0190a6b2-0000-7000-8000-00000000000a';
const B = '0190a6b2-0000-7000-8000-00000000000b';
const C = '0190a6b2-0000-7000-8000-00000000000c';
const active = (version: number, name = 'Ann'): UserState => ({ status: 'active', version, name, dateRegister: '2024-01-02' });

let n = 0;
const ids = { now: () => new Date('2026-11-28T00:00:00Z'), newEventId: () => `e-${++n}` };
const cmd = (command: Command, key?: string, hash = `h-${key ?? 'none'}`): PendingCommand => ({
  command,
  ctx: { correlationId: `c-${key ?? 'x'}`, requestHash: hash, ...(key ? { idempotencyKey: key } : {}) },
});
const reads = (states: Record<string, UserState> = {}, stored: Record<string, StoredResponse> = {}): GroupReads => ({
  states: new Map(Object.entries(states)),
  stored: new Map(Object.entries(stored)),
});

describe('planGroup', () => {
  it('one conflicting command fails alone; the others are applied', () => {
    const plan = planGroup(
      [
        cmd({ type: 'RenameUser', userId: A, name: 'A2' }, 'k1'),
        cmd({ type: 'RenameUser', userId: B, name: 'B2', expectedVersion: 1 }, 'k2'), // stale: B is at 3
        cmd({ type: 'RegisterUser', userId: C, name: 'Cy', dateRegister: '2024-05-06' }, 'k3'),
      ],
      reads({ [A]: active(1), [B]: active(3) }),
      ids,
    );
    expect(plan.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    const failed = plan.outcomes[1]!;
    expect(!failed.ok && failed.error).toBeInstanceOf(ConcurrencyError);
    expect(!failed.ok && failed.error).toMatchObject({ expected: 1, actual: 3 });
    expect(plan.events.map((e) => [e.streamId, e.streamVersion, e.type])).toEqual([
      [A, 2, 'UserRenamed'],
      [C, 1, 'UserRegistered'],
    ]);
    expect([...plan.users.keys()]).toEqual([A, C]);
    expect(plan.dedup.map((d) => d.key)).toEqual(['k1', 'k3']);
  });

  it('commands on one stream apply in arrival order against the state the earlier ones leave', () => {
    const plan = planGroup(
      [
        cmd({ type: 'RegisterUser', userId: A, name: 'Ann', dateRegister: '2024-01-02' }),
        cmd({ type: 'RenameUser', userId: A, name: 'Bea', expectedVersion: 1 }),
        cmd({ type: 'RenameUser', userId: A, name: 'Cy', expectedVersion: 1 }), // the previous one moved it to 2
        cmd({ type: 'RegisterUser', userId: A, name: 'Again', dateRegister: '2024-01-02' }),
        cmd({ type: 'DeleteUser', userId: A }),
        cmd({ type: 'RenameUser', userId: A, name: 'Ghost' }),
      ],
      reads(),
      ids,
    );
    const errors = plan.outcomes.map((o) => (o.ok ? o.result.status : o.error.constructor.name));
    expect(errors).toEqual([201, 200, 'ConcurrencyError', 'AlreadyExistsError', 200, 'StreamDeletedError']);
    expect(plan.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(plan.users.get(A)).toEqual({ status: 'deleted', version: 3, name: 'Bea', dateRegister: '2024-01-02' });
  });

  it('a key already stored replays the first answer; with another request it is a 422', () => {
    const stored: StoredResponse = {
      requestHash: 'h-k1',
      status: 201,
      body: { id: A, version: 1, eventId: 'e-first', correlationId: 'c-first' },
    };
    const plan = planGroup(
      [
        cmd({ type: 'RegisterUser', userId: A, name: 'Ann', dateRegister: '2024-01-02' }, 'k1'),
        cmd({ type: 'RegisterUser', userId: B, name: 'X', dateRegister: '2024-01-02' }, 'k1', 'other'),
      ],
      reads({ [A]: active(1) }, { k1: stored }),
      ids,
    );
    expect(plan.outcomes[0]).toEqual({ ok: true, result: { status: 201, body: stored.body, replayed: true, events: [] } });
    expect(!plan.outcomes[1]!.ok && plan.outcomes[1]!.error).toBeInstanceOf(IdempotencyKeyReuseError);
    expect(plan.events).toEqual([]);
    expect(plan.dedup).toEqual([]);
  });

  it('two commands with the same key in one group: the second gets the first answer, one event, one stored key', () => {
    const register = { type: 'RegisterUser', userId: A, name: 'Ann', dateRegister: '2024-01-02' } as const;
    const plan = planGroup([cmd(register, 'k'), cmd(register, 'k'), cmd({ ...register, name: 'Other' }, 'k', 'h-other')], reads(), ids);
    const [first, second, third] = plan.outcomes;
    expect(first!.ok && first!.result.replayed).toBe(false);
    expect(second).toEqual({ ok: true, result: { ...(first!.ok ? first!.result : {}), replayed: true, events: [] } });
    expect(!third!.ok && third!.error).toBeInstanceOf(IdempotencyKeyReuseError);
    expect(plan.events).toHaveLength(1);
    expect(plan.dedup).toHaveLength(1);
  });

  it('a failed command keeps no key: a later one with the same key in the group is decided again', () => {
    const plan = planGroup(
      [
        cmd({ type: 'RenameUser', userId: A, name: 'X' }, 'k'),
        cmd({ type: 'RegisterUser', userId: A, name: 'Ann', dateRegister: '2024-01-02' }),
        cmd({ type: 'RenameUser', userId: A, name: 'X' }, 'k'),
      ],
      reads(),
      ids,
    );
    expect(!plan.outcomes[0]!.ok && plan.outcomes[0]!.error).toBeInstanceOf(NotFoundError);
    expect(plan.outcomes[2]!.ok && plan.outcomes[2]!.result).toMatchObject({ status: 200, replayed: false, body: { version: 2 } });
    expect(plan.dedup.map((d) => d.key)).toEqual(['k']);
  });

  it('validation errors and unknown or deleted streams fail only their command', () => {
    const plan = planGroup(
      [
        cmd({ type: 'RegisterUser', userId: A, name: ' ', dateRegister: '2024-01-02' }),
        cmd({ type: 'RenameUser', userId: B, name: 'x' }),
        cmd({ type: 'DeleteUser', userId: C }),
        cmd({ type: 'RegisterUser', userId: B, name: 'Fine', dateRegister: '2024-01-02' }),
      ],
      reads({ [C]: { status: 'deleted', version: 2, name: 'Gone', dateRegister: '2024-01-02' } }),
      ids,
    );
    const kinds = plan.outcomes.map((o) => (o.ok ? 'ok' : o.error.constructor));
    expect(kinds).toEqual([ValidationError, NotFoundError, StreamDeletedError, 'ok']);
    expect(plan.events.map((e) => e.streamId)).toEqual([B]);
    expect(new AlreadyExistsError(A).status).toBe(409); // the status the register-twice case maps to
  });
});
