// The generator's knowledge of the streams: which exist (from ok answers), their last known
// version and state, which have commands in flight, and which are unusable (an unknown register,
// a delete sent). It learns only from what it sent and what was answered.
import type { CompletionResult } from '../history/types.ts';
import type { Command } from './commands.ts';
import type { UserState } from './model.ts';
import type { Rng } from './random.ts';

export interface Stream {
  id: string;
  known?: UserState; // from ok answers
  inFlight: number;
  versionCertain: boolean; // false after an unknown outcome on it
  closing: boolean; // a delete was sent (or the stream is unusable)
  exclusive: number; // commands in flight whose answer depends on the state: nothing may overtake them
}

/** An ok answer kept so that a later resend can reuse its key and expect the same answer. */
export interface OkAnswer {
  command: Command;
  idempotencyKey: string;
  opId: number;
  status: number;
  version?: number;
  eventId?: string;
}

export function uuidFrom(rng: Rng): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + rng.int(0, 3)).toString(16)}${hex(3)}-${hex(12)}`;
}

const hasIfMatch = (c: Command) => 'expectedVersion' in c && c.expectedVersion !== undefined;

export function createStreamBook(rng: Rng) {
  const byId = new Map<string, Stream>();
  const live: Stream[] = []; // registered, not closing: Zipf ranks over this, oldest hottest
  const deleted: Stream[] = [];
  const recentOk: OkAnswer[] = [];
  let registering = 0;

  function removeLive(s: Stream): void {
    const i = live.indexOf(s);
    if (i >= 0) live.splice(i, 1);
  }

  /** A valid command was sent. */
  function sent(c: Command): void {
    const s = byId.get(c.userId)!;
    s.inFlight++;
    if (hasIfMatch(c)) s.exclusive++;
    if (c.kind === 'register') registering++;
    if (c.kind === 'delete') {
      s.closing = true;
      removeLive(s);
    }
  }

  /** A valid command was answered. */
  function settle(c: Command, r: CompletionResult, ctx: { opId: number; idempotencyKey: string }): void {
    const s = byId.get(c.userId)!;
    s.inFlight--;
    if (hasIfMatch(c)) s.exclusive--;
    if (c.kind === 'register') registering--;
    if (r.outcome !== 'ok') {
      if (r.outcome === 'unknown') s.versionCertain = false;
      if (c.kind === 'register') s.closing = true; // may or may not exist: not used again
      return;
    }
    const version = r.version ?? (s.known?.version ?? 0) + 1;
    recentOk.push({
      command: c,
      idempotencyKey: ctx.idempotencyKey,
      opId: ctx.opId,
      status: r.status ?? 200,
      version,
      ...(r.eventId ? { eventId: r.eventId } : {}),
    });
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

  return {
    live: live as readonly Stream[],
    deleted: deleted as readonly Stream[],
    recentOk: recentOk as readonly OkAnswer[],
    registering: () => registering,
    newStream(): Stream {
      const s: Stream = { id: uuidFrom(rng), inFlight: 0, versionCertain: true, closing: false, exclusive: 0 };
      byId.set(s.id, s);
      return s;
    },
    sent,
    settle,
    /** A rejection aimed at a live stream is in flight: keep the stream's state still until it is answered. */
    hold(c: Command): void {
      const s = byId.get(c.userId);
      if (s) {
        s.inFlight++;
        s.exclusive++;
      }
    },
    release(c: Command): void {
      const s = byId.get(c.userId);
      if (s) {
        s.inFlight--;
        s.exclusive--;
      }
    },
  };
}
