import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandArb, commandSequenceArb, userIds } from './testing.ts';
import { describeCommand, type Command } from './commands.ts';
import { applyCommand, decide, foldEvents, type FoldableEvent, type WriteModel } from './model.ts';

const users = userIds(3, 't');

/** Runs commands through the model and collects the events it predicts the write side stores. */
function simulate(cmds: Command[]) {
  let model: WriteModel = new Map();
  const events: FoldableEvent[] = [];
  for (const c of cmds) {
    const r = applyCommand(model, c);
    model = r.model;
    if (r.decision.accepted) events.push(r.decision.event);
  }
  return { model, events };
}

describe('decide', () => {
  const m = new Map([
    ['a', { userId: 'a', name: 'A', version: 2, deleted: false }],
    ['d', { userId: 'd', name: 'D', version: 3, deleted: true }],
  ]);
  it.each([
    [{ kind: 'register', userId: 'a', name: 'X' }, 'exists', 409],
    [{ kind: 'rename', userId: 'zz', name: 'X' }, 'not-found', 404],
    [{ kind: 'rename', userId: 'd', name: 'X' }, 'deleted', 410],
    [{ kind: 'delete', userId: 'd' }, 'deleted', 410],
    [{ kind: 'delete', userId: 'a', expectedVersion: 1 }, 'version-conflict', 409],
    [{ kind: 'rename', userId: 'a', name: 'x'.repeat(256) }, 'invalid', 400],
    [{ kind: 'rename', userId: 'a', name: '' }, 'invalid', 400],
    [{ kind: 'rename', userId: 'a', name: '   ' }, 'invalid', 400],
    [{ kind: 'register', userId: 'n', name: 'N', dateRegister: '0999-12-31' }, 'invalid', 400],
    [{ kind: 'register', userId: 'n', name: 'N', dateRegister: '2026-02-30' }, 'invalid', 400],
  ] as [Command, string, number][])('rejects %o as %s', (c, reason, status) => {
    expect(decide(m, c)).toMatchObject({ accepted: false, reason, status });
  });
  it('checks the schema before the state, and the state before the value rules (as the service does)', () => {
    // 256 code points is a schema violation: 400 even on a deleted user
    expect(decide(m, { kind: 'rename', userId: 'd', name: 'y'.repeat(256) })).toMatchObject({ status: 400 });
    // a blank name is a domain rule: the deleted stream answers first
    expect(decide(m, { kind: 'rename', userId: 'd', name: ' ' })).toMatchObject({ status: 410 });
    expect(decide(m, { kind: 'register', userId: 'a', name: ' ' })).toMatchObject({ status: 409 });
  });
  it('counts code points, not UTF-16 units: 255 astral characters are accepted, 256 are not', () => {
    expect(decide(m, { kind: 'rename', userId: 'a', name: '😀'.repeat(255) })).toMatchObject({ accepted: true, status: 200 });
    expect(decide(m, { kind: 'rename', userId: 'a', name: '😀'.repeat(256) })).toMatchObject({ accepted: false, status: 400 });
  });
  it('accepts with the next version and the event the service appends', () => {
    expect(decide(m, { kind: 'rename', userId: 'a', name: 'B', expectedVersion: 2 })).toEqual({
      accepted: true,
      status: 200,
      event: { streamId: 'a', streamVersion: 3, type: 'UserRenamed', payload: { name: 'B' } },
      state: { userId: 'a', name: 'B', version: 3, deleted: false },
    });
    expect(decide(m, { kind: 'delete', userId: 'a' })).toMatchObject({ accepted: true, status: 200, state: { deleted: true, version: 3 } });
    expect(decide(m, { kind: 'register', userId: 'n', name: 'N', dateRegister: '9999-12-31' })).toMatchObject({
      accepted: true,
      status: 201,
      state: { userId: 'n', name: 'N', version: 1, deleted: false, dateRegister: '9999-12-31' },
    });
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
    expect(issues.map((i) => i.problem)).toEqual([
      'UserRenamed before UserRegistered',
      'expected version 2',
      'unknown type UserTeleported',
    ]);
  });
});

describe('test command arbitraries', () => {
  it('only targets the given users and names the command readably', () => {
    fc.assert(
      fc.property(commandArb({ users }), (c) => {
        expect(users).toContain(c.userId);
        expect(describeCommand(c)).toContain(c.userId);
      }),
    );
  });

  it('sequences start by registering every user, so streams get several events', () => {
    fc.assert(
      fc.property(commandSequenceArb({ users, minLength: 10, maxLength: 20 }), (cmds) => {
        expect(cmds.slice(0, users.length).every((c) => c.kind === 'register')).toBe(true);
      }),
    );
    const samples = fc.sample(commandSequenceArb({ users, minLength: 20, maxLength: 20 }), { numRuns: 20, seed: 7 });
    const perStream = samples.map((s) => Math.max(...users.map((u) => simulate(s).events.filter((e) => e.streamId === u).length)));
    expect(Math.max(...perStream)).toBeGreaterThanOrEqual(3);
  });

  it('model: the events it accepts fold back to the same state, versions contiguous', () => {
    fc.assert(
      fc.property(commandSequenceArb({ users }), (cmds) => {
        const { model, events } = simulate(cmds);
        const folded = foldEvents(events);
        expect(folded.issues).toEqual([]);
        expect(folded.model).toEqual(new Map([...model].map(([k, v]) => [k, v])));
      }),
    );
  });
});
