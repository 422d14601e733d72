// Test support: small fast-check arbitraries of command sequences (ASCII names, a few users), for
// unit tests of the model and the checkers. The runner's workload is the open-loop generator.
import fc from 'fast-check';
import type { Command } from './commands.ts';

/** Deterministic user ids; a run tag keeps runs from colliding in a reused database. */
export function userIds(count: number, runTag = 'u'): string[] {
  return Array.from({ length: count }, (_, i) => `${runTag}-${i + 1}`);
}

export interface CommandArbOptions {
  users: readonly string[]; // SMALL on purpose: several events per stream
  /** Relative weights; deletes are rarer so streams live long enough to get renamed. */
  weights?: { register?: number; rename?: number; delete?: number };
  /** Probability-ish of an expected version being sent (0 = never). */
  withExpectedVersion?: boolean;
  maxVersion?: number;
}

const nameArb = fc.stringMatching(/^[A-Z][a-z]{1,8}$/);

export function commandArb(opts: CommandArbOptions): fc.Arbitrary<Command> {
  if (opts.users.length === 0) throw new Error('commandArb: needs at least one user id');
  const { register = 3, rename = 6, delete: del = 1 } = opts.weights ?? {};
  const user = fc.constantFrom(...opts.users);
  const ev =
    opts.withExpectedVersion === false
      ? fc.constant(undefined)
      : fc.option(fc.integer({ min: 1, max: opts.maxVersion ?? 6 }), { nil: undefined, freq: 3 });
  const withEv = <C extends Command>(c: C, v: number | undefined): C => (v === undefined ? c : { ...c, expectedVersion: v });
  return fc.oneof(
    { weight: register, arbitrary: fc.record({ userId: user, name: nameArb }).map((r): Command => ({ kind: 'register', ...r })) },
    {
      weight: rename,
      arbitrary: fc.tuple(user, nameArb, ev).map(([userId, name, v]): Command => withEv({ kind: 'rename', userId, name }, v)),
    },
    { weight: del, arbitrary: fc.tuple(user, ev).map(([userId, v]): Command => withEv({ kind: 'delete', userId }, v)) },
  );
}

/** One client's sequence. Starts by registering users so the rest mostly hits live streams. */
export function commandSequenceArb(opts: CommandArbOptions & { minLength?: number; maxLength?: number }): fc.Arbitrary<Command[]> {
  return fc
    .array(commandArb(opts), { minLength: opts.minLength ?? 1, maxLength: opts.maxLength ?? 30 })
    .map((cmds) => [...opts.users.map((userId, i): Command => ({ kind: 'register', userId, name: `Seed${i + 1}` })), ...cmds]);
}
