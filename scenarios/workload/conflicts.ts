// Deliberate rejections, each with the status the service must answer: a stale If-Match (409), a
// re-registration (409), a command on a deleted user (410) or an unknown one (404), a name or date
// the service must refuse (400), a body over the size limit (413), an earlier ok command's key
// reused for a different request (422: the key names one request, and the first one won).
import type { Command } from './commands.ts';
import type { Intent, Planned } from './plan.ts';
import type { Rng } from './random.ts';
import { uuidFrom, type OkAnswer, type Stream } from './streamBook.ts';
import { BOUNDARY_DATES, BOUNDARY_NAMES, INVALID_NAMES } from './values.ts';

export interface ConflictContext {
  rng: Rng;
  live: readonly Stream[];
  deleted: readonly Stream[];
  validName: () => string;
  bodyLimitBytes: number;
  recentOk?: readonly OkAnswer[];
}

type Option = (x: ConflictContext) => Planned | undefined;
const plan = (command: Command, intent: Intent, predicted: number): Planned => ({ command, intent, predicted });

const OPTIONS: readonly Option[] = [
  ({ rng, live, validName }) => {
    const idle = live.filter((s) => s.inFlight === 0 && s.versionCertain && s.known);
    if (idle.length === 0) return undefined;
    const s = rng.pick(idle);
    const v = s.known!.version;
    const expectedVersion = v > 1 && rng.chance(0.7) ? v - 1 : v + 1;
    // A delete is a conditional write like a rename: its If-Match is judged the same way.
    const command: Command = rng.chance(0.3)
      ? { kind: 'delete', userId: s.id, expectedVersion }
      : { kind: 'rename', userId: s.id, name: validName(), expectedVersion };
    return plan(command, 'stale-if-match', 409);
  },
  ({ rng, live, validName }) =>
    live.length ? plan({ kind: 'register', userId: rng.pick(live).id, name: validName() }, 're-register', 409) : undefined,
  ({ rng, deleted, validName }) => {
    if (deleted.length === 0) return undefined;
    const s = rng.pick(deleted);
    return plan(
      rng.chance(0.5) ? { kind: 'rename', userId: s.id, name: validName() } : { kind: 'delete', userId: s.id },
      'on-deleted',
      410,
    );
  },
  ({ rng, validName }) =>
    plan(
      rng.chance(0.5) ? { kind: 'rename', userId: uuidFrom(rng), name: validName() } : { kind: 'delete', userId: uuidFrom(rng) },
      'on-missing',
      404,
    ),
  ({ rng, live }) => {
    if (live.length === 0) return undefined;
    const bad = rng.chance(0.5) ? rng.pick(INVALID_NAMES) : rng.pick(BOUNDARY_NAMES.filter((b) => !b.accepted)).name;
    return plan({ kind: 'rename', userId: rng.pick(live).id, name: bad }, 'invalid-name', 400);
  },
  ({ rng, validName }) =>
    plan(
      {
        kind: 'register',
        userId: uuidFrom(rng),
        name: validName(),
        dateRegister: rng.pick(BOUNDARY_DATES.filter((d) => !d.accepted)).date,
      },
      'invalid-date',
      400,
    ),
  ({ rng, live, validName, bodyLimitBytes }) =>
    live.length
      ? plan({ kind: 'rename', userId: rng.pick(live).id, name: validName(), padTo: bodyLimitBytes + 1 }, 'oversize-body', 413)
      : undefined,
];

/**
 * Another request under an earlier ok command's key. Drawn on its own share of the rejections:
 * among eight kinds a run's few dozen rejections could miss it altogether.
 */
const KEY_REUSE_SHARE = 0.25;
const keyReuse: Option = ({ rng, live, recentOk, validName }) => {
  if (!recentOk?.length) return undefined;
  const first = rng.pick(recentOk);
  // the same stream with another name, or another stream: either way another request body or path
  const userId = live.length && rng.chance(0.5) ? rng.pick(live).id : first.command.userId;
  const taken = 'name' in first.command ? first.command.name : undefined;
  const name = [validName(), validName(), validName()].find((n) => n !== taken);
  if (name === undefined) return undefined;
  return {
    command: { kind: 'rename', userId, name },
    intent: 'key-reuse',
    predicted: 422,
    reuseKeyOf: { opId: first.opId, idempotencyKey: first.idempotencyKey },
  };
};

/** One deliberate rejection, or undefined when none applies yet (e.g. nothing deleted so far). */
export function planConflict(x: ConflictContext): Planned | undefined {
  for (let tries = 0; tries < 4; tries++) {
    const p = (x.rng.chance(KEY_REUSE_SHARE) ? keyReuse : x.rng.pick(OPTIONS))(x);
    if (p) return p;
  }
  return undefined;
}
