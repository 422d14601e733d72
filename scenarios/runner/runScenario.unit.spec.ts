import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../record/scenarioRecord.ts';
import { rejudgeRun } from './rejudge.ts';
import { expectationOf, runScenario } from './runScenario.ts';
import { RUN_INDEX_FILE, runIndexOf } from './runIndex.ts';
import { FAKE_ENV, fakeDeps, fakeScenario } from './testing.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const outDir = () => join((dir = mkdtempSync(join(tmpdir(), 'run-'))), 'fake', 'outbox+effectively-once');
const BASE = { publish: 'outbox', consume: 'effectively-once' } as const;

describe('runScenario (phases with fake dependencies)', () => {
  it('stops waiting for convergence once nothing is pending and the read model stands still', async () => {
    const neverQuiesces = fakeDeps([], {
      quiesce: async (_e, o) => {
        while (!o.giveUp?.()) await new Promise((r) => setTimeout(r, 20));
        return null;
      },
      readVersions: async () => new Map([['u1', 1]]), // behind the goal for good
      progress: () => ({ read: async () => ({ backlog: 0, lag: 0, readMark: 'still' }), close: async () => undefined }),
    });
    const started = Date.now();
    const scenario = { ...fakeScenario(), convergenceBoundMs: 60_000 };
    const r = await runScenario(scenario, BASE, { env: FAKE_ENV, seed: 3, outDir: outDir() }, neverQuiesces);
    expect(Date.now() - started).toBeLessThan(20_000); // not the bound's 90 s
    expect(r.convergenceMs).toBeNull();
  }, 30_000);

  it('runs the phases in order and heals before observing', async () => {
    const calls: string[] = [];
    const r = await runScenario(fakeScenario(), BASE, { env: FAKE_ENV, seed: 3, outDir: outDir() }, fakeDeps(calls));
    // The workload runs beside the schedule; the heal follows the schedule; final reads come last.
    expect(calls.slice(0, 2)).toEqual(['wipe', 'start outbox+effectively-once']);
    expect(calls.filter((c) => c.startsWith('fault') || c === 'heal')).toEqual(['fault start', 'fault stop', 'heal']);
    expect(calls.at(-1)).toBe('final');
    expect(calls).toContain('workload');
    // ...and the workload keeps running past the heal: it is stopped only afterwards
    expect(calls.indexOf('workload stopped')).toBeGreaterThan(calls.indexOf('heal'));
    expect(r.error).toBeUndefined();
    expect(r.verdict).toMatchObject({ ok: true, found: [] });
    expect(r.ok).toBe(true);
    expect(r.ops).toEqual({ ok: 3, fail: 0, unknown: 0 });
    expect(r.nonVacuity).toEqual([{ claim: 'a command was ok', observed: true }]);
    expect(r.replay).toBe('npm run scenario -- fake --publish outbox --consume effectively-once --seed 3');
  });

  it('writes a record the judge reads back: the same verdict offline', async () => {
    const o = outDir();
    const r = await runScenario(fakeScenario(), BASE, { env: FAKE_ENV, seed: 3, outDir: o, runDir: dir }, fakeDeps([]));
    for (const f of ['history.jsonl', 'final-state.json', 'samples.json', 'run.json']) expect(existsSync(join(o, f)), f).toBe(true);
    const rec = readRecord(o);
    expect(rec.final.write.events).toHaveLength(3);
    expect(rec.facts.workload).toMatchObject({
      ok: 3,
      okShare: 1,
      streams: 1,
      eventsPerStream: { mean: 3, max: 3 },
      rate: { target: 60 },
      skipped: 0,
    });
    writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(runIndexOf({ runId: 'x', startedAt: '', finishedAt: '', results: [r] })));
    const again = rejudgeRun(dir, { feltOf: () => fakeScenario().felt }).results[0]!;
    expect(again.verdict).toEqual(r.verdict);
    expect(again.nonVacuity).toEqual(r.nonVacuity);
    expect(again.convergenceMs).toBe(r.convergenceMs);
  });

  it("carries the observers' memory peaks into run.json, samples.json, the result and a re-judge", async () => {
    const o = outDir();
    const memory = { peakTotalMb: 1200, peakAtMs: 3000, byGroup: { kafka: 400 }, samples: 1, everyMs: 1000 };
    const samples = [{ ms: 3000, rssKb: { 'kafka-1': 400 * 1024 } }];
    const base = fakeDeps([]);
    const deps = fakeDeps([], {
      startObservers: (x) => {
        const obs = base.startObservers(x);
        return { ...obs, stop: async (d) => ({ ...(await obs.stop(d)), memory: { samples, memory } }) };
      },
    });
    const r = await runScenario(fakeScenario(), BASE, { env: FAKE_ENV, seed: 3, outDir: o, runDir: dir }, deps);
    expect(r.memory).toEqual(memory);
    const rec = readRecord(o);
    expect(rec.facts.memory).toEqual(memory);
    expect(rec.samples.memory).toEqual(samples);
    writeFileSync(join(dir, RUN_INDEX_FILE), JSON.stringify(runIndexOf({ runId: 'x', startedAt: '', finishedAt: '', results: [r] })));
    expect(rejudgeRun(dir, { feltOf: () => fakeScenario().felt }).results[0]!.memory).toEqual(memory);
  });

  it('stops the workload no earlier than its minimum time nor its tail past the heal', async () => {
    let healAt = 0;
    let stoppedAt = 0;
    const base = fakeDeps([]);
    const deps = fakeDeps([], {
      createNemesis: (o) => {
        const n = base.createNemesis(o);
        return { ...n, healAll: async () => void (healAt = performance.now()) };
      },
      runWorkload: async (w) => {
        const r = await base.runWorkload(w);
        stoppedAt = performance.now();
        return r;
      },
    });
    await runScenario(
      fakeScenario({ workload: { minMs: 10, tailMs: 120 } }),
      BASE,
      { env: FAKE_ENV, seed: 1, outDir: outDir(), rate: 7 },
      deps,
    );
    expect(stoppedAt - healAt).toBeGreaterThanOrEqual(100);
  });

  it('passes --rate to the workload and into the replay command', async () => {
    let rate: number | undefined;
    const base = fakeDeps([]);
    const deps = fakeDeps([], { runWorkload: async (w) => ((rate = w.rate), base.runWorkload(w)) });
    const r = await runScenario(fakeScenario(), BASE, { env: FAKE_ENV, seed: 2, outDir: outDir(), rate: 7 }, deps);
    expect(rate).toBe(7);
    expect(r.replay).toContain('--rate 7');
  });

  it('measures convergence from the heal: null when the read side never catches up', async () => {
    const deps = fakeDeps([], { readVersions: async () => new Map([['u1', 1]]), quiesce: async () => null });
    const r = await runScenario(fakeScenario({ convergenceBoundMs: 50 }), BASE, { env: FAKE_ENV, seed: 1, outDir: outDir() }, deps);
    expect(r.convergenceMs).toBeNull();
    expect(r.verdict.found).toContain('slow-convergence');
    expect(r.ok).toBe(false);
  });

  it('heals even when the schedule throws, and reports the harness error', async () => {
    const calls: string[] = [];
    const deps = fakeDeps(calls, {
      playSchedule: async () => {
        throw new Error('toxiproxy gone');
      },
    });
    const r = await runScenario(fakeScenario(), BASE, { env: FAKE_ENV, seed: 1, outDir: outDir() }, deps);
    expect(calls).toContain('heal');
    expect(r.error).toMatch(/nemesis: toxiproxy gone/);
    expect(r.ok).toBe(false);
  });

  it('a fault never felt fails the run', async () => {
    const s = fakeScenario({ felt: [{ describe: 'a DLQ record', check: (o) => o.final.topics.dlq.length > 0 }] });
    const r = await runScenario(s, BASE, { env: FAKE_ENV, seed: 1, outDir: outDir() }, fakeDeps([]));
    expect(r.nonVacuity).toEqual([{ claim: 'a DLQ record', observed: false }]);
    expect(r.ok).toBe(false);
  });
});

describe('expectationOf', () => {
  it("takes the scenario's declarations and duplicate injection from its schedule", () => {
    const s = fakeScenario({ expect: [{ when: { publish: 'dual-write' }, required: ['lost'], why: 'seed bug' }] });
    expect(expectationOf(s, { publish: 'dual-write', consume: 'effectively-once' }, []).required).toEqual(['lost']);
    const dup = [{ at: 0, fault: 'duplicate', target: 'relay', duration: 0, params: {} } as never];
    expect(expectationOf(s, { publish: 'outbox', consume: 'at-most-once' }, dup).allowed).toEqual(['duplicated']);
    expect(expectationOf(s, { publish: 'outbox', consume: 'at-most-once' }, []).allowed).toEqual([]);
    // an overtaking copy is delivered twice (the copy, then the relay's own): applied again without an inbox
    const overtake = [{ at: 0, fault: 'overtake', target: 'relay', duration: 1000, params: {} } as never];
    expect(expectationOf(s, { publish: 'outbox', consume: 'at-most-once' }, overtake).allowed).toEqual(['duplicated']);
    const conflict = [{ at: 0, fault: 'conflicting-copy', target: 'user-events', duration: 0, params: {} } as never];
    expect(expectationOf(s, { publish: 'outbox', consume: 'at-most-once' }, conflict).allowed).toEqual([]);
    expect(expectationOf(s, { publish: 'outbox', consume: 'at-least-once' }, [], 'none')).toMatchObject({ required: [], allowed: [] });
  });

  it('counts a publisher that may re-send as copies on the topic, and faults off the publishing path as none', () => {
    const s = fakeScenario({});
    const amo = { publish: 'outbox', consume: 'at-most-once' } as const;
    const at = (fault: string, target: string, params = {}) => [{ at: 0, fault, target, duration: 1000, params } as never];
    // the relay dies between a send and its mark: the row goes out again, and without an inbox is applied again
    expect(expectationOf(s, amo, at('kill', 'relay')).allowed).toContain('duplicated');
    expect(expectationOf(s, amo, at('crash-point', 'relay#2', { point: 'relay.after-send-before-mark' })).allowed).toContain('duplicated');
    expect(expectationOf(s, amo, at('down', 'relay-kafka')).allowed).toContain('duplicated');
    expect(expectationOf(s, amo, at('kill-leader', 'user-events', { rank: 1 })).allowed).toContain('duplicated');
    // the client's retries carry one key; the read side cannot make the publisher send again
    expect(expectationOf(s, amo, at('lost-ack', 'client-command')).allowed).not.toContain('duplicated');
    expect(expectationOf(s, amo, at('kill', 'projector')).allowed).not.toContain('duplicated');
    expect(expectationOf(s, amo, at('down', 'projector-db')).allowed).not.toContain('duplicated');
    // the inbox still owes exactly-once application, whatever the publisher re-sends
    expect(expectationOf(s, { publish: 'outbox', consume: 'effectively-once' }, at('kill', 'relay')).allowed).toEqual([]);
  });
});
