import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandOp } from '../history/types.ts';
import { commandArb, commandSequenceArb, userIds, workloadArb } from './arbitraries.ts';
import { describeCommand, type Command } from './commands.ts';
import { applyCommand, decide, foldEvents, foldOkOps, type FoldableEvent, type WriteModel } from './model.ts';

const users = userIds(3, 't');

/** Runs commands through the model and emits the events the write side should have stored. */
function simulate(cmds: Command[]) {
  let model: WriteModel = new Map();
  const events: FoldableEvent[] = [];
  for (const c of cmds) {
    const r = applyCommand(model, c);
    model = r.model;
    if (r.decision.accepted) {
      const type = c.kind === 'register' ? 'UserRegistered' : c.kind === 'rename' ? 'UserRenamed' : 'UserDeleted';
      events.push({ streamId: c.userId, streamVersion: r.decision.state.version, type, payload: 'name' in c ? { name: c.name } : {} });
    }
  }
  return { model, events };
}

describe('decide', () => {
  const m = new Map([['a', { userId: 'a', name: 'A', version: 2, deleted: false }], ['d', { userId: 'd', name: 'D', version: 3, deleted: true }]]);
  it.each([
    [{ kind: 'register', userId: 'a', name: 'X' }, 'exists', 409],
    [{ kind: 'rename', userId: 'zz', name: 'X' }, 'not-found', 404],
    [{ kind: 'rename', userId: 'd', name: 'X' }, 'deleted', 404],
    [{ kind: 'delete', userId: 'a', expectedVersion: 1 }, 'version-conflict', 409],
  ] as [Command, string, number][])('rejects %o as %s', (c, reason, status) => {
    expect(decide(m, c)).toEqual({ accepted: false, reason, status });
  });
  it('accepts with the next version', () => {
    expect(decide(m, { kind: 'rename', userId: 'a', name: 'B', expectedVersion: 2 })).toEqual({
      accepted: true, state: { userId: 'a', name: 'B', version: 3, deleted: false },
    });
    expect(decide(m, { kind: 'delete', userId: 'a' })).toMatchObject({ accepted: true, state: { deleted: true, version: 3 } });
  });
});

describe('foldEvents', () => {
  it('folds register, rename, delete and keeps dateRegister', () => {
    const { model, issues } = foldEvents([
      { streamId: 's', streamVersion: 2, type: 'UserRenamed', payload: { name: 'B' } },
      { streamId: 's', streamVersion: 1, type: 'UserRegistered', payload: { name: 'A', dateRegister: '2026-01-01T00:00:00.000Z' } },
      { streamId: 's', streamVersion: 3, type: 'UserDeleted', payload: {} },
    ]);
    expect(issues).toEqual([]);
    expect(model.get('s')).toEqual({ userId: 's', name: 'B', version: 3, deleted: true, dateRegister: '2026-01-01T00:00:00.000Z' });
  });
  it('reports gaps, orphans and unknown types', () => {
    const { issues } = foldEvents([
      { streamId: 'x', streamVersion: 1, type: 'UserRenamed', payload: { name: 'B' } },
      { streamId: 'y', streamVersion: 1, type: 'UserRegistered', payload: { name: 'A' } },
      { streamId: 'y', streamVersion: 3, type: 'UserTeleported', payload: {} },
    ]);
    expect(issues.map((i) => i.problem)).toEqual(['UserRenamed before UserRegistered', 'expected version 2', 'unknown type UserTeleported']);
  });
});

describe('foldOkOps', () => {
  const op = (o: Partial<CommandOp> & Pick<CommandOp, 'id' | 'kind' | 'outcome'>): CommandOp => ({
    process: 0, userId: 'a', idempotencyKey: `k${o.id}`, invoke: { ms: o.id, wall: '' }, complete: { ms: o.id + 1, wall: '' }, ...o,
  });
  it('orders ok ops by answered version, ignores fail, marks unknown users uncertain', () => {
    const { model, uncertain } = foldOkOps([
      op({ id: 1, kind: 'rename', name: 'C', outcome: 'ok', version: 3 }),
      op({ id: 0, kind: 'register', name: 'A', outcome: 'ok', version: 1 }),
      op({ id: 2, kind: 'rename', name: 'B', outcome: 'ok', version: 2 }),
      op({ id: 3, kind: 'rename', name: 'Z', outcome: 'fail', status: 409 }),
      op({ id: 4, kind: 'delete', userId: 'b', outcome: 'unknown' }),
    ]);
    expect(model.get('a')).toMatchObject({ name: 'C', version: 3, deleted: false });
    expect([...uncertain]).toEqual(['b']);
  });
});

describe('workload arbitraries', () => {
  it('only targets the given users and names the command readably', () => {
    fc.assert(fc.property(commandArb({ users }), (c) => {
      expect(users).toContain(c.userId);
      expect(describeCommand(c)).toContain(c.userId);
    }));
  });

  it('sequences start by registering every user, so streams get several events', () => {
    fc.assert(fc.property(commandSequenceArb({ users, minLength: 10, maxLength: 20 }), (cmds) => {
      expect(cmds.slice(0, users.length).every((c) => c.kind === 'register')).toBe(true);
    }));
    const samples = fc.sample(commandSequenceArb({ users, minLength: 20, maxLength: 20 }), { numRuns: 20, seed: 7 });
    const perStream = samples.map((s) => Math.max(...users.map((u) => simulate(s).events.filter((e) => e.streamId === u).length)));
    expect(Math.max(...perStream)).toBeGreaterThanOrEqual(3);
  });

  it('model: the events it accepts fold back to the same state, versions contiguous', () => {
    fc.assert(fc.property(commandSequenceArb({ users }), (cmds) => {
      const { model, events } = simulate(cmds);
      const folded = foldEvents(events);
      expect(folded.issues).toEqual([]);
      expect(folded.model).toEqual(new Map([...model].map(([k, v]) => [k, v])));
    }));
  });

  it('workloads give each client a sequence, registrations on client 0', () => {
    fc.assert(fc.property(workloadArb({ users, clients: 3 }), (w) => {
      expect(w).toHaveLength(3);
      expect(w[0]!.slice(0, 3).map((c) => c.kind)).toEqual(['register', 'register', 'register']);
    }));
    expect(() => workloadArb({ users, clients: 0 })).toThrow(/clients/);
  });
});
