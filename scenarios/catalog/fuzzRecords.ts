// The `fuzz-records` scenario: one `fuzz-records` fault of FUZZ_COUNT records drawn from the run's
// seed, produced under load. A search scenario: its first candidate injects every record; on a
// failure fast-check shrinks the set of injected indices (halves first, then single records), each
// candidate a real run, down to the one record that breaks it, and prints --seed and --path.
import fc from 'fast-check';
import { TOPIC } from '../../system/shared/events.ts';
import type { FaultSchedule } from '../faults/types.ts';
import { faultsApplied } from './felt.ts';
import type { Felt, Scenario, WorkloadShape } from './types.ts';

export const FUZZ_COUNT = 24;
/** Late enough that streams are live and events applied (a copy and a live key need them), early enough to converge under load. */
const FUZZ_AT_MS = 4_000;

export function fuzzSchedule(seed: number, indices: readonly number[]): FaultSchedule {
  const only = indices.length < FUZZ_COUNT ? { only: indices.join(',') } : {};
  return [{ at: FUZZ_AT_MS, fault: 'fuzz-records', target: TOPIC, duration: 0, params: { count: FUZZ_COUNT, seed, ...only } }];
}

/**
 * Every index first; shrinks to each half, then to each single index, so a failure caused by one
 * record is found in about log2(n) + 1 real runs when a half keeps failing.
 */
export class IndexSubsetArbitrary extends fc.Arbitrary<number[]> {
  constructor(private readonly n: number) {
    super();
  }
  generate(): fc.Value<number[]> {
    return new fc.Value([...Array(this.n).keys()], undefined);
  }
  canShrinkWithoutContext(v: unknown): v is number[] {
    return Array.isArray(v) && v.every((i) => Number.isInteger(i) && i >= 0 && i < this.n);
  }
  shrink(v: number[]): fc.Stream<fc.Value<number[]>> {
    if (v.length <= 1) return fc.Stream.nil();
    const mid = Math.ceil(v.length / 2);
    const halves = v.length > 2 ? [v.slice(0, mid), v.slice(mid)] : [];
    return fc.Stream.of(...[...halves, ...v.map((i) => [i])].map((x) => new fc.Value(x, undefined)));
  }
}

export const fuzzSchedules: fc.Arbitrary<FaultSchedule> = fc
  .noShrink(fc.nat({ max: 2 ** 31 - 1 }))
  .chain((seed) => new IndexSubsetArbitrary(FUZZ_COUNT).map((ix) => fuzzSchedule(seed, ix)));

/** Every record the schedule asked for reached the topic (none refused, none skipped for want of run data). */
const everyRecordLanded: Felt = {
  describe: 'every scheduled fuzzed record landed on the topic',
  check: (o) => {
    const asked = o.faults
      .filter((f) => f.fault === 'fuzz-records')
      .reduce((n, f) => {
        const p = f.params as { count: number; only?: string } | undefined;
        return n + (p?.only !== undefined ? p.only.split(',').length : (p?.count ?? 0));
      }, 0);
    const landed = (o.history ?? []).filter((e) => e.type === 'inject' && e.fuzzId !== undefined && e.partition >= 0).length;
    return asked > 0 && landed === asked;
  },
};

export function fuzzRecordsScenario(workload: WorkloadShape): Scenario {
  return {
    name: 'fuzz-records',
    purpose:
      'records of every shape (null, empty, binary, long and live-stream keys; tombstones, invalid UTF-8, JSON edge cases, sizes at the limits; null, repeated, binary, huge and system-named headers) produced raw under load: each dead-lettered byte for byte, copies of applied events dropped, other streams converging; a failure shrinks to the record that breaks it',
    workload,
    schedule: ({ seed }) => fc.sample(fuzzSchedules, { seed, numRuns: 1 })[0]!,
    felt: [faultsApplied, everyRecordLanded],
    crashes: false,
    convergenceBoundMs: 15_000,
    injectsDuplicates: true,
    search: { schedules: fuzzSchedules },
  };
}
