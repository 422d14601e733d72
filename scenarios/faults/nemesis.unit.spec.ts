// The nemesis composes families it is given: these fakes record what reaches them, so the
// routing, the history it writes and the healing are checked without any server.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EnvAddresses, ProcessControl } from '../environment/types.ts';
import type { FaultFamily, FaultRecorder, FaultTools, KindSpec } from './family.ts';
import { createNemesis, playSchedule } from './nemesis.ts';
import { validateSchedule } from './schedule.ts';
import type { Fault } from './types.ts';

const env = { provider: 'local', toxiproxy: { api: 'http://127.0.0.1:1' } } as unknown as EnvAddresses;
const spec = (timing: KindSpec['timing'], lane?: string): KindSpec => ({
  params: {},
  timing,
  targets: { accepts: () => true, choices: ['x'] },
  arbitrary: () => fc.constant({}),
  ...(lane ? { lane: () => lane } : {}),
});

function fakeFamily(name: string, kinds: Record<string, KindSpec>, calls: string[], opts: { failStart?: boolean } = {}): FaultFamily {
  return {
    name,
    kinds,
    create: (ctx) => ({
      async start(f, id) {
        calls.push(`${name}.start ${f.fault}#${id}`);
        if (opts.failStart) throw new Error('boom');
        ctx.recorder.inject({ faultId: id, what: 'poison', topic: 't', partition: 0, offset: '5', poisonId: `p${id}`, case: 'c' });
      },
      async stop(f, id) {
        calls.push(`${name}.stop ${f.fault}#${id}`);
      },
      async heal() {
        calls.push(`${name}.heal`);
      },
    }),
  };
}

function fakeRecorder() {
  const lines: string[] = [];
  const recorder: FaultRecorder = {
    faultStart: (f) => lines.push(`start ${f.fault} ${f.target}${f.error ? ` error=${f.error}` : ''}`),
    faultStop: (f) => lines.push(`stop ${f.fault} ${f.target}`),
    inject: (e) => lines.push(`inject ${e.what} ${e.partition}@${e.offset}`),
    crash: (e) => lines.push(`crash ${e.point}`),
    now: () => ({ ms: 0, wall: new Date(0).toISOString() }),
  };
  return { lines, recorder };
}

function fakeControl(dead: string[]): { control: ProcessControl; restarted: string[] } {
  const restarted: string[] = [];
  const alive = (t: string) => !dead.includes(t) || restarted.includes(t);
  const control: ProcessControl = {
    kill: async () => undefined,
    pause: async () => undefined,
    resume: async () => undefined,
    restart: async (t) => void restarted.push(t),
    identity: async (t) => (alive(t) ? '1' : undefined),
    targets: async () => ['relay', 'projector', 'kafka'],
  };
  return { control, restarted };
}

const tools = { close: async () => undefined } as unknown as FaultTools;

describe('createNemesis composes families', () => {
  it('routes each kind to the family that declares it and records start, stop and injections', async () => {
    const calls: string[] = [];
    const { lines, recorder } = fakeRecorder();
    const families = [fakeFamily('A', { a: spec('window') }, calls), fakeFamily('B', { b: spec('instant') }, calls)];
    const n = createNemesis({
      env,
      recorder,
      poisonRecords: () => [],
      families,
      tools,
      control: fakeControl([]).control,
      resetProxies: async () => undefined,
    });
    const fa = { at: 0, fault: 'a', target: 'x', duration: 5, params: {} } as unknown as Fault;
    const fb = { at: 0, fault: 'b', target: 'y', duration: 0, params: {} } as unknown as Fault;
    await n.start(fa, 0);
    await n.stop(fa, 0);
    await n.start(fb, 1);
    expect(calls).toEqual(['A.start a#0', 'A.stop a#0', 'B.start b#1']);
    expect(lines).toEqual(['inject poison 0@5', 'start a x', 'stop a x', 'inject poison 0@5', 'start b y']);
  });

  it("records each fault with its kind's declared traits, and none for a kind that declares none", async () => {
    const recorded: { fault: string; phase: string; traits?: string[] }[] = [];
    const { recorder } = fakeRecorder();
    const n = createNemesis({
      env,
      recorder: {
        ...recorder,
        faultStart: (f) => recorded.push({ fault: f.fault, phase: 'start', ...(f.traits ? { traits: f.traits } : {}) }),
        faultStop: (f) => recorded.push({ fault: f.fault, phase: 'stop', ...(f.traits ? { traits: f.traits } : {}) }),
      },
      poisonRecords: () => [],
      families: [fakeFamily('A', { a: { ...spec('window'), traits: ['crashes-process', 'dies-at-start'] }, b: spec('window') }, [])],
      tools,
      control: fakeControl([]).control,
      resetProxies: async () => undefined,
    });
    const fa = { at: 0, fault: 'a', target: 'x', duration: 5, params: {} } as unknown as Fault;
    const fb = { at: 0, fault: 'b', target: 'x', duration: 5, params: {} } as unknown as Fault;
    await n.start(fa, 0);
    await n.stop(fa, 0);
    await n.start(fb, 1);
    expect(recorded).toEqual([
      { fault: 'a', phase: 'start', traits: ['crashes-process', 'dies-at-start'] },
      { fault: 'a', phase: 'stop', traits: ['crashes-process', 'dies-at-start'] },
      { fault: 'b', phase: 'start' },
    ]);
  });

  it('records a fault that could not be applied with its error, and throws', async () => {
    const calls: string[] = [];
    const { lines, recorder } = fakeRecorder();
    const n = createNemesis({
      env,
      recorder,
      poisonRecords: () => [],
      families: [fakeFamily('A', { a: spec('window') }, calls, { failStart: true })],
      tools,
      control: fakeControl([]).control,
      resetProxies: async () => undefined,
    });
    await expect(n.start({ at: 0, fault: 'a', target: 'x', duration: 5, params: {} } as unknown as Fault, 3)).rejects.toThrow(
      /could not apply a x at 0 ms for 5 ms: boom/,
    );
    expect(lines).toEqual(['start a x error=boom']);
  });

  it('heals every family it used, resets the proxies, and restarts whatever is not running', async () => {
    const calls: string[] = [];
    const { recorder } = fakeRecorder();
    const { control, restarted } = fakeControl(['projector']);
    let resets = 0;
    const families = [fakeFamily('A', { a: spec('window') }, calls), fakeFamily('B', { b: spec('instant') }, calls)];
    const n = createNemesis({ env, recorder, poisonRecords: () => [], families, tools, control, resetProxies: async () => void resets++ });
    await n.start({ at: 0, fault: 'a', target: 'x', duration: 5, params: {} } as unknown as Fault, 0);
    await n.healAll();
    expect(resets).toBe(1);
    expect(calls.filter((c) => c.endsWith('.heal'))).toEqual(['A.heal']); // B never ran: nothing to heal
    expect(restarted).toEqual(['projector']);
  });

  it('refuses a kind no family declares', async () => {
    const { recorder } = fakeRecorder();
    const n = createNemesis({
      env,
      recorder,
      poisonRecords: () => [],
      families: [],
      tools,
      control: fakeControl([]).control,
      resetProxies: async () => undefined,
    });
    await expect(n.start({ at: 0, fault: 'kill', target: 'relay', duration: 0, params: {} }, 0)).rejects.toThrow(
      /no fault family declares kill/,
    );
  });
});

describe('families drive playSchedule and validation', () => {
  it('never stops an instant kind, and runs one lane one window after another', async () => {
    const calls: string[] = [];
    const families = [fakeFamily('A', { a: spec('window', 'L') }, calls), fakeFamily('B', { b: spec('instant') }, calls)];
    const { recorder } = fakeRecorder();
    const n = createNemesis({
      env,
      recorder,
      poisonRecords: () => [],
      families,
      tools,
      control: fakeControl([]).control,
      resetProxies: async () => undefined,
    });
    const a = (at: number) => ({ at, fault: 'a', target: 'x', duration: 30, params: {} }) as unknown as Fault;
    await playSchedule(
      [a(0), a(10), { at: 5, fault: 'b', target: 'y', duration: 0, params: {} } as unknown as Fault],
      n,
      undefined,
      families,
    );
    expect(calls.filter((c) => c.startsWith('A.'))).toEqual(['A.start a#0', 'A.stop a#0', 'A.start a#1', 'A.stop a#1']);
    expect(calls).toContain('B.start b#2');
    expect(calls).not.toContain('B.stop b#2');
  });

  it('validates against the families it is given (timing, targets, unknown kinds)', () => {
    const families = [fakeFamily('A', { a: { ...spec('window'), targets: { accepts: (t) => t === 'x', choices: ['x'] } } }, [])];
    expect(validateSchedule([{ at: 0, fault: 'a', target: 'x', duration: 0 }], { families }).ok).toBe(false);
    expect(validateSchedule([{ at: 0, fault: 'a', target: 'z', duration: 5 }], { families })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/target of a must be one of x, got "z"/)],
    });
    expect(validateSchedule([{ at: 0, fault: 'kill', target: 'relay', duration: 5 }], { families })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/fault must be one of a, got "kill"/)],
    });
    expect(validateSchedule([{ at: 0, fault: 'a', target: 'x', duration: 5 }], { families }).ok).toBe(true);
  });

  it('refuses two families that declare the same kind', () => {
    const families = [fakeFamily('A', { a: spec('window') }, []), fakeFamily('B', { a: spec('instant') }, [])];
    expect(() => validateSchedule([], { families })).toThrow(/fault kind a is declared by both A and B/);
  });
});
