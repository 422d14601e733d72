import { describe, expect, it } from 'vitest';
import { createRecorder, memorySink } from '../history/recorder.ts';
import { toOperations } from '../history/reader.ts';
import type { CompletionResult } from '../history/types.ts';
import type { Command } from './commands.ts';
import { toRequest } from './httpClient.ts';
import { checkMisanswered } from '../checkers/misanswered.ts';
import { checkMangled, checkUntraced, checkWriteDuplicated } from '../checkers/provenance.ts';
import type { CheckInput, WriteEventRow } from '../checkers/types.ts';
import { runOpenLoop } from './openLoop.ts';

/**
 * A reference answerer written independently of the workload's model (no shared code): what the
 * command service's API promises, per command, atomically. It lets the workload's predictions be
 * checked without a server. (The real service is checked in model.int.spec.ts.)
 */
function referenceService(opts: { honourKeys?: boolean; compareRequests?: boolean } = {}) {
  const users = new Map<string, { version: number; deleted: boolean }>();
  const answered = new Map<string, CompletionResult & { request: string }>();
  const inFlight = new Map<string, Promise<void>>();
  const stored: WriteEventRow[] = [];
  let events = 0;
  const store = (c: Command, key: string, version: number): CompletionResult => {
    const eventId = `e${++events}`;
    const payload =
      c.kind === 'register' ? { name: c.name, dateRegister: c.dateRegister ?? '2026-11-28' } : c.kind === 'rename' ? { name: c.name } : {};
    const type = { register: 'UserRegistered', rename: 'UserRenamed', delete: 'UserDeleted' }[c.kind];
    stored.push({ eventId, streamId: c.userId, streamVersion: version, type, payload, occurredAt: '', causationId: key });
    return { outcome: 'ok', status: c.kind === 'register' ? 201 : 200, version, eventId };
  };
  const calendarDate = (d: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(d) && Number(d.slice(0, 4)) >= 1000 && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  const badName = (n: string) =>
    [...n].length < 1 ||
    [...n].length > 255 ||
    n.trim() === '' ||
    n.includes('\0') ||
    !(n as string & { isWellFormed(): boolean }).isWellFormed();
  function answer(c: Command, key: string): CompletionResult {
    const body = toRequest(c, 'k', 'c').body;
    if (body !== undefined && Buffer.byteLength(body) > 16_384) return { outcome: 'fail', status: 413 };
    if (c.kind !== 'delete' && ([...c.name].length < 1 || [...c.name].length > 255)) return { outcome: 'fail', status: 400 };
    const u = users.get(c.userId);
    if (c.kind === 'register') {
      if (u) return { outcome: 'fail', status: 409 };
      if (badName(c.name) || !calendarDate(c.dateRegister ?? '2026-11-28')) return { outcome: 'fail', status: 400 };
      users.set(c.userId, { version: 1, deleted: false });
      return store(c, key, 1);
    }
    if (!u) return { outcome: 'fail', status: 404 };
    if (u.deleted) return { outcome: 'fail', status: 410 };
    if (c.expectedVersion !== undefined && c.expectedVersion !== u.version) return { outcome: 'fail', status: 409 };
    if (c.kind === 'rename' && badName(c.name)) return { outcome: 'fail', status: 400 };
    u.version++;
    if (c.kind === 'delete') u.deleted = true;
    return store(c, key, u.version);
  }
  return {
    events: () => stored,
    async send(c: Command, key: string): Promise<CompletionResult> {
      await new Promise((r) => setTimeout(r, Math.random() * 4)); // replies overlap: several in flight
      // one key in flight twice (a double submit): the second waits for the first's answer
      while (opts.honourKeys !== false && inFlight.has(key)) await inFlight.get(key);
      let done!: () => void;
      inFlight.set(key, new Promise<void>((r) => (done = r)));
      try {
        return await decideOnce(c, key);
      } finally {
        inFlight.delete(key);
        done();
      }
    },
  };
  async function decideOnce(c: Command, key: string): Promise<CompletionResult> {
    const request = JSON.stringify(toRequest(c, 'k', 'c'));
    const first = opts.honourKeys === false ? undefined : answered.get(key);
    if (first && first.request !== request && opts.compareRequests !== false) return { outcome: 'fail', status: 422 };
    if (first) return { outcome: first.outcome, status: first.status, version: first.version, eventId: first.eventId };
    const r = answer(c, key);
    if (r.outcome === 'ok') answered.set(key, { ...r, request });
    return r;
  }
}

describe('open-loop workload against a reference answerer', () => {
  it('sends mostly valid commands over ≥ 200 streams with a hot set, and its predictions hold', async () => {
    const service = referenceService();
    const recorder = createRecorder({ sink: memorySink() });
    const s = await runOpenLoop({ client: service, recorder, seed: 1, rate: 1500, durationMs: 1500, maxInFlight: 64 });
    const ops = toOperations(recorder.entries());
    expect(s.sent).toBeGreaterThan(1000);
    expect(s.ops.ok / s.sent).toBeGreaterThanOrEqual(0.85);
    expect(s.ops.fail / s.sent).toBeGreaterThan(0.04); // deliberate rejections are there
    expect(s.streamsTouched).toBeGreaterThanOrEqual(200);
    expect(s.eventsPerStream.max).toBeGreaterThanOrEqual(20); // the hot set gets many events
    expect(s.surprises).toEqual({ count: 0, examples: [] });
    expect(Object.keys(s.byIntent).sort()).toEqual([
      'invalid-date',
      'invalid-name',
      'key-reuse',
      'on-deleted',
      'on-missing',
      'oversize-body',
      're-register',
      'resend',
      'stale-if-match',
      'twin',
      'valid',
    ]);
    expect(ops.filter((o) => o.predicted !== undefined).length).toBeGreaterThan(ops.length / 2);
    // 256 code points is refused and recorded fail; 255 astral ones are accepted
    const long = ops.filter((o) => o.name !== undefined && [...o.name].length === 256);
    expect(long.length).toBeGreaterThan(0);
    expect(long.every((o) => o.outcome === 'fail' && o.status === 400)).toBe(true);
    expect(ops.some((o) => o.outcome === 'ok' && o.name === '𝕏'.repeat(255))).toBe(true);
    expect(ops.some((o) => o.outcome === 'ok' && o.name !== undefined && /\p{Extended_Pictographic}\u200D/u.test(o.name))).toBe(true);
    // a resend is answered with its first op's event
    const byId = new Map(ops.map((o) => [o.id, o]));
    const resends = ops.filter((o) => o.resendOf !== undefined);
    expect(resends.length).toBeGreaterThan(10);
    for (const r of resends) expect(r.eventId).toBe(byId.get(r.resendOf!)!.eventId);
    // a twin is the same request sent at once with its pair's key, and gets its pair's answer
    const twins = ops.filter((o) => o.intent === 'twin');
    expect(twins.length).toBeGreaterThan(3);
    for (const t of twins) {
      const pair = ops.find((o) => o !== t && o.idempotencyKey === t.idempotencyKey)!;
      expect([pair.userId, pair.name, pair.status, pair.eventId]).toEqual([t.userId, t.name, t.status, t.eventId]);
      expect(pair.invoke.ms).toBeLessThanOrEqual(t.invoke.ms);
    }
    // bursts: some stream had several of its commands in flight at once
    expect(maxConcurrentOnOneStream(ops)).toBeGreaterThanOrEqual(2);
  });

  it('its same-key resends expose a service that ignores the idempotency key, without any fault', async () => {
    const provenance = async (honourKeys: boolean) => {
      const service = referenceService({ honourKeys });
      const recorder = createRecorder({ sink: memorySink() });
      await runOpenLoop({ client: service, recorder, seed: 4, rate: 1000, durationMs: 800 });
      const input: CheckInput = {
        history: toOperations(recorder.entries()),
        faults: [],
        write: { events: service.events(), users: [] },
        read: { users: [], applied: [], parked: [] },
        topics: { events: [], dlq: [] },
        poison: [],
      };
      return [checkWriteDuplicated(input), checkUntraced(input), checkMangled(input)];
    };
    expect((await provenance(true)).map((r) => [r.name, r.anomalies.length])).toEqual([
      ['write-duplicated', 0],
      ['untraced', 0],
      ['mangled', 0],
    ]);
    const [dup, untraced, mangled] = await provenance(false);
    expect(dup!.anomalies.length).toBeGreaterThan(0);
    expect([untraced!.valid, mangled!.valid]).toEqual([true, true]);
  });

  it('its reused keys expose a service that answers another request with the first answer, and a correct run is not misanswered', async () => {
    const judge = async (compareRequests: boolean) => {
      const service = referenceService({ compareRequests });
      const recorder = createRecorder({ sink: memorySink() });
      await runOpenLoop({ client: service, recorder, seed: 5, rate: 1000, durationMs: 1000, maxInFlight: 4096 });
      const history = toOperations(recorder.entries());
      const input: CheckInput = {
        history,
        faults: [],
        write: { events: service.events(), users: [] },
        read: { users: [], applied: [], parked: [] },
        topics: { events: [], dlq: [] },
        poison: [],
      };
      return { history, misanswered: checkMisanswered(input), duplicated: checkWriteDuplicated(input) };
    };
    const honest = await judge(true);
    const reuses = honest.history.filter((o) => o.intent === 'key-reuse');
    expect(reuses.length).toBeGreaterThan(5);
    expect(reuses.every((o) => o.outcome === 'fail' && o.status === 422)).toBe(true);
    expect([honest.misanswered.anomalies, honest.duplicated.anomalies]).toEqual([[], []]);
    const cached = await judge(false);
    expect(cached.misanswered.anomalies.length).toBeGreaterThan(0);
    expect(cached.misanswered.anomalies.every((a) => a.data?.evidence === 'key-reused')).toBe(true);
  });

  it('is replayable: the same seed sends the same commands', async () => {
    const plan = async () => {
      const recorder = createRecorder({ sink: memorySink() });
      await runOpenLoop({
        client: { send: async () => ({ outcome: 'fail', status: 503 }) },
        recorder,
        seed: 7,
        rate: 400,
        durationMs: 200,
      });
      return toOperations(recorder.entries())
        .slice(0, 40)
        .map((o) => [o.kind, o.userId, o.name, o.intent]);
    };
    expect(await plan()).toEqual(await plan());
  });

  it('bounds the commands in flight and counts the skipped ones when the service hangs', async () => {
    let inFlight = 0;
    let most = 0;
    const hanging = {
      async send(): Promise<CompletionResult> {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 150));
        inFlight--;
        return { outcome: 'unknown', error: 'timeout' };
      },
    };
    const s = await runOpenLoop({
      client: hanging,
      recorder: createRecorder({ sink: memorySink() }),
      seed: 3,
      rate: 500,
      durationMs: 300,
      maxInFlight: 5,
    });
    expect(most).toBeLessThanOrEqual(5);
    expect(s.skipped).toBeGreaterThan(50);
    expect(s.ops.unknown).toBe(s.sent);
  });

  it('stops on the signal, and refuses to run without an end', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const s = await runOpenLoop({
      client: referenceService(),
      recorder: createRecorder({ sink: memorySink() }),
      seed: 1,
      rate: 200,
      signal: ac.signal,
    });
    expect(s.sendingMs).toBeLessThan(1000);
    await expect(runOpenLoop({ client: referenceService(), recorder: createRecorder({ sink: memorySink() }), seed: 1 })).rejects.toThrow(
      /durationMs or a stop signal/,
    );
  });
});

function maxConcurrentOnOneStream(ops: ReturnType<typeof toOperations>): number {
  let most = 0;
  for (const o of ops) {
    const overlapping = ops.filter(
      (x) => x.userId === o.userId && x.invoke.ms <= o.invoke.ms && (x.complete?.ms ?? Infinity) > o.invoke.ms,
    );
    most = Math.max(most, overlapping.length);
  }
  return most;
}
