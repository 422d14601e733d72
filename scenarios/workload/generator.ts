// The model-based command generator: it knows which users exist, their versions and which have
// commands in flight, and sends mostly commands the service must accept. A configured fraction are
// deliberate rejections (stale If-Match, re-registration, commands on deleted or unknown users,
// bad values, oversized bodies), and a few ok commands are re-sent with the same idempotency key
// (the answer must be the first one). Streams are picked Zipf-like (a hot set), sometimes in a
// burst of several commands on one stream at once. Seeded: one seed replays the whole plan.
import type { CompletionResult } from '../history/types.ts';
import type { Command } from './commands.ts';
import { decide, type UserState } from './model.ts';
import { createRng, createZipf, type Rng } from './random.ts';
import { BOUNDARY_DATES, BOUNDARY_NAMES, INVALID_NAMES, TRICKY_NAMES, datePool, namePool } from './values.ts';

export type Intent =
  | 'valid'
  | 'stale-if-match'
  | 're-register'
  | 'on-deleted'
  | 'on-missing'
  | 'invalid-name'
  | 'invalid-date'
  | 'oversize-body'
  | 'resend';

export interface Planned {
  command: Command;
  intent: Intent;
  /** The status the model predicts; absent when concurrency on the stream makes it uncertain. */
  predicted?: number;
  /** A resend: reuse this key; the answer must equal the first one. */
  resend?: { idempotencyKey: string; opId: number; status: number; version?: number; eventId?: string };
}

export interface GeneratorOptions {
  seed: number;
  /** Live streams to keep (registrations top up to this). */
  streams?: number;
  /** Share of deliberate rejections (conflicts and bad values). */
  conflictFraction?: number;
  /** Share of re-sends of an earlier ok command with its key. */
  resendFraction?: number;
  /** Chance that a pick becomes a burst of `burstSize` commands on one stream. */
  burstProbability?: number;
  burstSize?: readonly [number, number];
  zipfExponent?: number;
  /** The command service's body limit (BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number;
}

export const GENERATOR_DEFAULTS = Object.freeze({
  streams: 250, // ≥ 200 streams touched
  conflictFraction: 0.1, // ~10 % deliberate rejections
  resendFraction: 0.03, // 3 % same-key re-sends: an ignored key shows without any fault
  burstProbability: 0.15,
  burstSize: [2, 4] as const,
  zipfExponent: 1.1,
  bodyLimitBytes: 16_384,
});

interface Stream {
  id: string;
  known?: UserState; // from ok answers
  inFlight: number;
  versionCertain: boolean; // false after an unknown outcome on it
  closing: boolean; // a delete was sent (or the stream is unusable)
  exclusive: boolean; // an If-Match command is in flight: nothing may overtake it
}

export interface CommandGenerator {
  /** The next command, or a burst of commands on one stream. */
  next(): Planned[];
  /** Tell the model a planned command was sent. */
  sent(p: Planned): void;
  /** Tell the model its answer; `opId` and `key` let a later resend reuse it. */
  settle(p: Planned, result: CompletionResult, ctx: { opId: number; idempotencyKey: string }): void;
  /** Ids of the streams in the hot set (for readers), hottest first. */
  hot(n: number): string[];
}

export function uuidFrom(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + rng.int(0, 3)).toString(16)}${hex(3)}-${hex(12)}`;
}

export function createGenerator(options: GeneratorOptions): CommandGenerator {
  const o = { ...GENERATOR_DEFAULTS, ...options };
  const rng = createRng(o.seed);
  const zipf = createZipf(o.zipfExponent);
  const names = namePool(o.seed);
  const dates = datePool(o.seed);
  const byId = new Map<string, Stream>();
  const live: Stream[] = []; // registered, not closing: Zipf ranks over this, oldest hottest
  const deleted: Stream[] = [];
  const recentOk: (NonNullable<Planned['resend']> & { command: Command })[] = [];
  let registering = 0;

  const newStream = (): Stream => {
    const s: Stream = { id: uuidFrom(rng), inFlight: 0, versionCertain: true, closing: false, exclusive: false };
    byId.set(s.id, s);
    return s;
  };

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
    const s = newStream();
    const date = rng.chance(0.1) ? rng.pick(BOUNDARY_DATES.filter((d) => d.accepted)).date : rng.pick(dates);
    return { command: { kind: 'register', userId: s.id, name: validName(), dateRegister: date, ...maybePad() }, intent: 'valid', predicted: 201 };
  }

  function validOn(s: Stream): Planned {
    const idle = s.inFlight === 0 && s.versionCertain && s.known !== undefined;
    const ev = idle && rng.chance(0.5) ? { expectedVersion: s.known!.version } : {};
    const command: Command = rng.chance(0.03) && idle
      ? { kind: 'delete', userId: s.id, ...ev }
      : { kind: 'rename', userId: s.id, name: validName(), ...ev, ...maybePad() };
    const predicted = predict(s, command);
    return { command, intent: 'valid', ...(predicted !== undefined ? { predicted } : {}) };
  }

  function conflict(): Planned | undefined {
    const idle = live.filter((s) => s.inFlight === 0 && s.versionCertain && s.known);
    const options: (() => Planned | undefined)[] = [
      () => {
        const s = idle.length ? rng.pick(idle) : undefined;
        if (!s) return undefined;
        const v = s.known!.version;
        return { command: { kind: 'rename', userId: s.id, name: validName(), expectedVersion: v > 1 && rng.chance(0.7) ? v - 1 : v + 1 }, intent: 'stale-if-match', predicted: 409 };
      },
      () => (live.length ? { command: { kind: 'register', userId: rng.pick(live).id, name: validName() }, intent: 're-register', predicted: 409 } : undefined),
      () => {
        const s = deleted.length ? rng.pick(deleted) : undefined;
        if (!s) return undefined;
        const command: Command = rng.chance(0.5) ? { kind: 'rename', userId: s.id, name: validName() } : { kind: 'delete', userId: s.id };
        return { command, intent: 'on-deleted', predicted: 410 };
      },
      () => ({ command: rng.chance(0.5) ? { kind: 'rename', userId: uuidFrom(rng), name: validName() } : { kind: 'delete', userId: uuidFrom(rng) }, intent: 'on-missing', predicted: 404 }),
      () => {
        const s = live.length ? rng.pick(live) : undefined;
        if (!s) return undefined;
        const bad = rng.chance(0.5) ? rng.pick(INVALID_NAMES) : rng.pick(BOUNDARY_NAMES.filter((b) => !b.accepted)).name;
        return { command: { kind: 'rename', userId: s.id, name: bad }, intent: 'invalid-name', predicted: 400 };
      },
      () => ({ command: { kind: 'register', userId: uuidFrom(rng), name: validName(), dateRegister: rng.pick(BOUNDARY_DATES.filter((d) => !d.accepted)).date }, intent: 'invalid-date', predicted: 400 }),
      () => (live.length ? { command: { kind: 'rename', userId: rng.pick(live).id, name: validName(), padTo: o.bodyLimitBytes + 1 }, intent: 'oversize-body', predicted: 413 } : undefined),
    ];
    for (let tries = 0; tries < 4; tries++) {
      const p = rng.pick(options)();
      if (p) return p;
    }
    return undefined;
  }

  function resend(): Planned | undefined {
    if (recentOk.length === 0) return undefined;
    const r = rng.pick(recentOk);
    return { command: r.command, intent: 'resend', predicted: r.status, resend: { idempotencyKey: r.idempotencyKey, opId: r.opId, status: r.status, ...(r.version !== undefined ? { version: r.version } : {}), ...(r.eventId ? { eventId: r.eventId } : {}) } };
  }

  function next(): Planned[] {
    const deficit = o.streams - live.length - registering;
    if (deficit > 0 && rng.chance(Math.max(0.03, deficit / o.streams))) return [register()];
    if (live.length === 0) return [register()];
    const u = rng.next();
    if (u < o.conflictFraction) {
      const c = conflict();
      if (c) return [c];
    } else if (u < o.conflictFraction + o.resendFraction) {
      const r = resend();
      if (r) return [r];
    }
    if (rng.chance(0.03)) return [register()];
    let s = live[zipf(rng, live.length)]!;
    for (let tries = 0; s.exclusive && tries < 3; tries++) s = live[zipf(rng, live.length)]!;
    if (s.exclusive) return [register()];
    if (!rng.chance(o.burstProbability)) return [validOn(s)];
    const n = rng.int(o.burstSize[0], o.burstSize[1]);
    // in a burst every command is sent at once: no If-Match, no delete, so all of them stay valid
    return Array.from({ length: n }, (): Planned => ({ command: { kind: 'rename', userId: s.id, name: validName() }, intent: 'valid' }));
  }

  function sent(p: Planned): void {
    if (p.intent !== 'valid') return; // rejections and resends change nothing
    const c = p.command;
    const s = byId.get(c.userId)!;
    s.inFlight++;
    if ('expectedVersion' in c && c.expectedVersion !== undefined) s.exclusive = true;
    if (c.kind === 'register') registering++;
    if (c.kind === 'delete') {
      s.closing = true;
      removeLive(s);
    }
  }

  function removeLive(s: Stream): void {
    const i = live.indexOf(s);
    if (i >= 0) live.splice(i, 1);
  }

  function settle(p: Planned, r: CompletionResult, ctx: { opId: number; idempotencyKey: string }): void {
    if (p.intent !== 'valid') return;
    const c = p.command;
    const s = byId.get(c.userId)!;
    s.inFlight--;
    if ('expectedVersion' in c && c.expectedVersion !== undefined) s.exclusive = false;
    if (c.kind === 'register') registering--;
    if (r.outcome === 'unknown') {
      s.versionCertain = false;
      if (c.kind === 'register') s.closing = true; // may or may not exist: not used again
      return;
    }
    if (r.outcome === 'fail') {
      if (c.kind === 'register') s.closing = true;
      return;
    }
    const version = r.version ?? (s.known?.version ?? 0) + 1;
    recentOk.push({ idempotencyKey: ctx.idempotencyKey, opId: ctx.opId, status: r.status ?? 200, version, ...(r.eventId ? { eventId: r.eventId } : {}), command: c });
    if (recentOk.length > 200) recentOk.shift();
    if (c.kind === 'register') {
      s.known = { userId: s.id, name: c.name, version, deleted: false, ...(c.dateRegister ? { dateRegister: c.dateRegister } : {}) };
      live.push(s);
      return;
    }
    if (!s.known || version < s.known.version) return; // an older answer arriving late
    s.known = c.kind === 'rename' ? { ...s.known, name: c.name, version } : { ...s.known, deleted: true, version };
    if (s.inFlight === 0) s.versionCertain = true;
    if (c.kind === 'delete') deleted.push(s);
  }

  return { next, sent, settle, hot: (n) => live.slice(0, n).map((s) => s.id) };
}
