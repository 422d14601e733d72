// The model-based command generator: it knows which users exist, their versions and which have
// commands in flight, and sends mostly commands the service must accept. A configured fraction are
// deliberate rejections (stale If-Match, re-registration, commands on deleted or unknown users,
// bad values, oversized bodies, a key reused for another request), a few ok commands are re-sent
// with the same idempotency key (the answer must be the first one), and a few valid ones are sent
// twice at once with one key (a double submit: one answer, one event), alone or every command of
// a burst. Streams are picked Zipf-like (a hot set), sometimes in a burst of several commands on
// one stream at once. Seeded: one seed replays the whole plan.
import type { CompletionResult } from '../history/types.ts';
import type { Command } from './commands.ts';
import { planConflict } from './conflicts.ts';
import { decide } from './model.ts';
import { createRng, createZipf, type Rng } from './random.ts';
import type { Planned } from './plan.ts';
import { createStreamBook, uuidFrom, type Stream } from './streamBook.ts';
import { BOUNDARY_DATES, BOUNDARY_NAMES, TRICKY_NAMES, datePool, namePool } from './values.ts';

export type { Intent, Planned } from './plan.ts';

const REPEATS: ReadonlySet<string> = new Set(['resend', 'twin']);

export interface GeneratorOptions {
  seed: number;
  /** Live streams to keep (registrations top up to this). */
  streams?: number;
  /** Share of deliberate rejections (conflicts and bad values). */
  conflictFraction?: number;
  /** Share of re-sends of an earlier ok command with its key. */
  resendFraction?: number;
  /** Chance that a valid command is sent twice at once with one key (a double submit). */
  twinProbability?: number;
  /** Chance that a pick becomes a burst of `burstSize` commands on one stream. */
  burstProbability?: number;
  /** Chance that every command of a burst is sent twice at once with its own key. */
  twinBurstProbability?: number;
  burstSize?: readonly [number, number];
  zipfExponent?: number;
  /** The command service's body limit (BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number;
}

export const GENERATOR_DEFAULTS = Object.freeze({
  streams: 250, // ≥ 200 streams touched
  conflictFraction: 0.1, // ~10 % deliberate rejections
  resendFraction: 0.03, // 3 % same-key re-sends: an ignored key shows without any fault
  twinProbability: 0.02, // double submits: one key in flight twice, so both may share a group
  burstProbability: 0.15,
  // Double submits inside a burst: the pairs behind the first two requests find both group slots
  // busy and queue together, so a pair lands in one group (where a key must still decide once).
  twinBurstProbability: 0.25,
  burstSize: [2, 4] as const,
  zipfExponent: 1.1,
  bodyLimitBytes: 16_384,
});

export interface CommandGenerator {
  /** The next command, or a burst of commands on one stream. */
  next(): Planned[];
  /** Tell the model a planned command was sent. */
  sent(p: Planned): void;
  /** Tell the model its answer; `opId` and `key` let a later resend reuse it. */
  settle(p: Planned, result: CompletionResult, ctx: { opId: number; idempotencyKey: string }): void;
  /**
   * Ids worth reading now (for readers): the hot set, hottest first, then the most recently
   * deleted streams, which readers go on reading: a deleted user's answer is part of the contract.
   */
  hot(n: number): string[];
}

/** Valid commands: registrations, renames and deletes with names and dates from the pools. */
function validPlans(o: { seed: number; bodyLimitBytes: number }, rng: Rng, book: ReturnType<typeof createStreamBook>) {
  const names = namePool(o.seed);
  const dates = datePool(o.seed);

  function validName(): string {
    const u = rng.next();
    if (u < 0.12) return rng.pick(TRICKY_NAMES);
    if (u < 0.2) return rng.pick(BOUNDARY_NAMES.filter((b) => b.accepted)).name;
    return rng.pick(names);
  }

  /** Near the limit but inside it: a valid body, padded with whitespace. */
  const maybePad = (): { padTo?: number } => (rng.chance(0.02) ? { padTo: o.bodyLimitBytes - rng.int(0, 64) } : {});

  const predict = (s: Stream, c: Command): number | undefined =>
    s.inFlight > 0 || !s.versionCertain ? undefined : decide(s.known ? new Map([[s.id, s.known]]) : new Map(), c).status;

  function register(): Planned {
    const s = book.newStream();
    const date = rng.chance(0.1) ? rng.pick(BOUNDARY_DATES.filter((d) => d.accepted)).date : rng.pick(dates);
    return {
      command: { kind: 'register', userId: s.id, name: validName(), dateRegister: date, ...maybePad() },
      intent: 'valid',
      predicted: 201,
    };
  }

  function validOn(s: Stream): Planned {
    const idle = s.inFlight === 0 && s.versionCertain && s.known !== undefined;
    const ev = idle && rng.chance(0.5) ? { expectedVersion: s.known!.version } : {};
    const command: Command =
      rng.chance(0.03) && idle
        ? { kind: 'delete', userId: s.id, ...ev }
        : { kind: 'rename', userId: s.id, name: validName(), ...ev, ...maybePad() };
    const predicted = predict(s, command);
    return { command, intent: 'valid', ...(predicted !== undefined ? { predicted } : {}) };
  }

  return { validName, register, validOn };
}

export function createGenerator(options: GeneratorOptions): CommandGenerator {
  const o = { ...GENERATOR_DEFAULTS, ...options };
  const rng = createRng(o.seed);
  const zipf = createZipf(o.zipfExponent);
  const book = createStreamBook(rng);
  const { validName, register, validOn } = validPlans(o, rng, book);

  function resend(): Planned | undefined {
    if (book.recentOk.length === 0) return undefined;
    const { command, ...first } = rng.pick(book.recentOk);
    return { command, intent: 'resend', predicted: first.status, resend: first };
  }

  /** One request sent twice at once with one key: both must get the one answer, one event. */
  function twins(p: Planned): Planned[] {
    const idempotencyKey = uuidFrom(rng);
    return [
      { ...p, idempotencyKey },
      { ...p, intent: 'twin', idempotencyKey },
    ];
  }

  /** A live stream from the hot set that nothing must overtake, or undefined. */
  function pickStream(): Stream | undefined {
    for (let tries = 0; tries < 4; tries++) {
      const s = book.live[zipf(rng, book.live.length)]!;
      if (!s.exclusive) return s;
    }
    return undefined;
  }

  function next(): Planned[] {
    const deficit = o.streams - book.live.length - book.registering();
    if (book.live.length === 0 || (deficit > 0 && rng.chance(Math.max(0.03, deficit / o.streams)))) return [register()];
    const u = rng.next();
    const special =
      u < o.conflictFraction
        ? planConflict({
            rng,
            live: book.live,
            deleted: book.deleted,
            validName,
            bodyLimitBytes: o.bodyLimitBytes,
            recentOk: book.recentOk,
          })
        : u < o.conflictFraction + o.resendFraction
          ? resend()
          : undefined;
    if (special) return [special];
    const s = rng.chance(0.03) ? undefined : pickStream();
    if (!s) return [register()];
    if (!rng.chance(o.burstProbability)) return rng.chance(o.twinProbability) ? twins(validOn(s)) : [validOn(s)];
    // in a burst every command is sent at once: no If-Match, no delete, so all of them stay valid
    const burst = Array.from({ length: rng.int(o.burstSize[0], o.burstSize[1]) }, (): Planned => ({
      command: { kind: 'rename', userId: s.id, name: validName() },
      intent: 'valid',
    }));
    return rng.chance(o.twinBurstProbability) ? burst.flatMap(twins) : burst;
  }

  return {
    next,
    // a rejection's answer depends on its stream's state (410 once deleted, 200 once its stale
    // If-Match became current): nothing is sent on that stream until it is answered
    // a resend or a twin repeats a request the book already counts: it changes nothing
    sent: (p) => (p.intent === 'valid' ? book.sent(p.command) : !REPEATS.has(p.intent) ? book.hold(p.command) : undefined),
    settle: (p, r, ctx) =>
      p.intent === 'valid' ? book.settle(p.command, r, ctx) : !REPEATS.has(p.intent) ? book.release(p.command) : undefined,
    hot: (n) => [...book.live.slice(0, n), ...book.deleted.slice(-Math.ceil(n / 4))].map((s) => s.id),
  };
}
