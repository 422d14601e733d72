import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSchedule } from '../faults/types.ts';
import { pollUntilQuiesced } from './quiesce.ts';
import { runRandomSchedule } from './randomSearch.ts';
import type { ScenarioResult } from './runScenario.ts';
import { harnessFailure, runCell } from './suite.ts';
import { emptyFinal, FAKE_ENV, fakeDeps, fakeScenario } from './testing.ts';

const BASE = { publish: 'outbox', consume: 'effectively-once' } as const;
const kills = fc.array(
  fc.integer({ min: 0, max: 5000 }).map((at) => ({ at, fault: 'kill', target: 'projector', duration: 100, params: {} }) as never),
  { minLength: 1, maxLength: 5 },
);
const searching = fakeScenario({ name: 'search', search: { schedules: kills as fc.Arbitrary<FaultSchedule> } });

/** A candidate "fails" when its schedule has 3 or more faults: the smallest failure has exactly 3. */
function candidate(tried: FaultSchedule[]) {
  return async (schedule: FaultSchedule, outDir: string): Promise<ScenarioResult> => {
    tried.push(schedule);
    const r = harnessFailure({ scenario: searching, configuration: BASE }, 1, outDir, new Error('x'), 0);
    return { ...r, ok: schedule.length < 3, schedule };
  };
}

describe('random schedule search', () => {
  it('shrinks a failing schedule to a minimal one and says how to replay it', async () => {
    const tried: FaultSchedule[] = [];
    const out = await runRandomSchedule(searching, BASE, { seed: 7, outDir: '/tmp/x', shrinkBudgetMs: 60_000, runs: 50 }, candidate(tried));
    expect(out.result.ok).toBe(false);
    expect(out.result.schedule).toHaveLength(3);
    expect(out.tries).toBe(tried.length);
    expect(out.result.replay).toMatch(/--seed \d+ --path \S+/);
  });

  it("replays at the run's own rate: a shrunk schedule found at --rate 90 is replayed at 90", async () => {
    const out = await runRandomSchedule(
      searching,
      BASE,
      { seed: 7, outDir: '/tmp/x', shrinkBudgetMs: 60_000, runs: 50, rate: 90 },
      candidate([]),
    );
    expect(out.result.replay).toMatch(/--path \S+.* --rate 90$/);
  });

  it('a shrink budget of 0 runs no shrink candidate: the first failing run is the result', async () => {
    const tried: FaultSchedule[] = [];
    const out = await runRandomSchedule(searching, BASE, { seed: 7, outDir: '/tmp/x', shrinkBudgetMs: 0, runs: 50 }, candidate(tried));
    expect(out.result.ok).toBe(false);
    expect(tried.filter((s) => s.length >= 3)).toHaveLength(1);
    expect(out.tries).toBe(tried.length);
    expect(out.truncated).toBe(true);
  });

  it('passes when no candidate fails, after the asked number of runs', async () => {
    const tried: FaultSchedule[] = [];
    const small = fakeScenario({ search: { schedules: fc.constant([]) as fc.Arbitrary<FaultSchedule> } });
    const out = await runRandomSchedule(small, BASE, { seed: 1, outDir: '/tmp/x', shrinkBudgetMs: 1000, runs: 4 }, candidate(tried));
    expect(out.result.ok).toBe(true);
    expect(tried).toHaveLength(4);
  });

  it('refuses a scenario that declares nothing to search', async () => {
    await expect(runRandomSchedule(fakeScenario(), BASE, { seed: 1, outDir: '/tmp/x', shrinkBudgetMs: 1 }, candidate([]))).rejects.toThrow(
      /not a search scenario/,
    );
  });
});

describe('suite cells', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it('a plain scenario runs once; a search scenario goes through the search', async () => {
    const calls: string[] = [];
    const opts = { seed: 1, shrinkBudgetMs: 1000, runs: 2, log: () => undefined };
    dir = mkdtempSync(join(tmpdir(), 'cell-'));
    await runCell({ scenario: fakeScenario(), configuration: BASE }, { env: FAKE_ENV, seed: 1, outDir: `${dir}/a` }, opts, fakeDeps(calls));
    expect(calls.filter((c) => c === 'wipe')).toHaveLength(1);
    calls.length = 0;
    const s = fakeScenario({
      search: { schedules: fc.constant([{ at: 0, fault: 'down', target: 'relay-kafka', duration: 5, params: {} }]) as never },
    });
    await runCell({ scenario: s, configuration: BASE }, { env: FAKE_ENV, seed: 1, outDir: `${dir}/b` }, opts, fakeDeps(calls));
    expect(calls.filter((c) => c === 'wipe')).toHaveLength(2); // two generated schedules, each a run
  });
});

describe('quiesce', () => {
  it('returns the moment the read model equals the fold, or null at the deadline', async () => {
    const final = emptyFinal();
    final.write.events.push({
      eventId: 'e1',
      streamId: 'u',
      streamVersion: 1,
      type: 'UserRegistered',
      payload: { name: 'A' },
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
    const caughtUp = {
      ...final,
      read: {
        ...final.read,
        users: [{ idUserData: 'u', name: 'A', dateRegister: '2026-01-01T00:00:00.000Z', version: 1, deleted: false, appliedCount: 1 }],
      },
    };
    let n = 0;
    const at = await pollUntilQuiesced(async () => (++n < 3 ? final : caughtUp), { deadlineMs: 5000, everyMs: 1, now: () => n * 10 });
    expect(at).toBe(30);
    expect(await pollUntilQuiesced(async () => final, { deadlineMs: 20, everyMs: 1, now: () => 0 })).toBeNull();
    expect(await pollUntilQuiesced(async () => emptyFinal(), { deadlineMs: 5, everyMs: 1, now: () => 0 })).toBeNull(); // no events: nothing to agree on
  });
});
