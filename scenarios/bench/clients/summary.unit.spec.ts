import { describe, expect, it } from 'vitest';
import type { InstallOutcome } from './install.ts';
import { clientFigures, median, reportLines, summarizeRuns, type ClientOutcome } from './summary.ts';

const installed = (pkg: string, over: Partial<InstallOutcome> = {}): InstallOutcome => ({
  pkg,
  version: '1.0.0',
  ms: 2500,
  cached: false,
  build: 'pure JavaScript',
  attempts: [],
  ...over,
});
const outcome = (name: ClientOutcome['name'], produce: number[], consume: number[], over: Partial<ClientOutcome> = {}): ClientOutcome => ({
  name,
  install: installed(name),
  rates: { produce, consume },
  errors: [],
  ...over,
});

describe('median and spread', () => {
  it('median: the middle one, or the mean of the two middle ones; none of nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('spread is (max − min) / median in percent', () => {
    expect(summarizeRuns([90, 110, 100])).toEqual({ runs: 3, median: 100, min: 90, max: 110, spreadPct: 20 });
    expect(summarizeRuns([50])).toMatchObject({ runs: 1, spreadPct: 0 });
    expect(summarizeRuns([]).runs).toBe(0);
  });
});

describe('figures', () => {
  const outcomes = [
    outcome('kafkajs', [100, 120], [1000, 1000], { install: installed('kafkajs', { build: 'project dependency', cached: true, ms: 0 }) }),
    outcome('platformatic', [200, 240], [1500, 1700]),
    outcome('confluent', [], [], { install: installed('@confluentinc/kafka-javascript', { error: 'npm install exited 1: no network' }) }),
  ];
  const figures = clientFigures(outcomes);

  it('one per client and side, the candidates against kafkajs in the same run', () => {
    expect(figures.map((f) => f.name)).toEqual([
      'clients produce: kafkajs',
      'clients produce: platformatic',
      'clients produce: confluent',
      'clients consume: kafkajs',
      'clients consume: platformatic',
      'clients consume: confluent',
    ]);
    const p = figures[1]!;
    expect(p).toMatchObject({ value: 220, unit: 'records/s', baseline: { name: 'kafkajs, same run', value: 110 }, ratio: 2 });
    expect(p.note).toBe('median of 2; min 200, max 240, spread 18.2 %');
    expect(figures[0]!.baseline).toBeUndefined();
  });
  it('a client that could not be installed is a figure with the error, not a missing row', () => {
    const c = figures[2]!;
    expect(c.value).toBeNaN();
    expect(c.note).toBe('not measured: npm install exited 1: no network');
  });
});

describe('report lines', () => {
  it('installs first, then per side each client with its ratio and spread, then failed runs', () => {
    const lines = reportLines([
      outcome('kafkajs', [100], [1000], { install: installed('kafkajs', { build: 'project dependency' }) }),
      outcome('platformatic', [150], [], {
        errors: ['consume: stream ended'],
        install: installed('@platformatic/kafka', { cached: true }),
      }),
      outcome('confluent', [50], [500], {
        install: installed('@confluentinc/kafka-javascript', { ms: 80_000, build: 'built from source' }),
      }),
    ]);
    expect(lines).toEqual([
      "kafkajs kafkajs@1.0.0: the project's own dependency, not installed by the phase",
      'install platformatic @platformatic/kafka@1.0.0: cached (first install took 2.5 s, pure JavaScript)',
      'install confluent @confluentinc/kafka-javascript@1.0.0: 80.0 s, built from source',
      'produce kafkajs: 100 records/s; median of 1; min 100, max 100, spread 0.0 %',
      'produce platformatic: 150 records/s (1.50× kafkajs); median of 1; min 150, max 150, spread 0.0 %',
      'produce confluent: 50 records/s (0.50× kafkajs); median of 1; min 50, max 50, spread 0.0 %',
      'consume kafkajs: 1000 records/s; median of 1; min 1000, max 1000, spread 0.0 %',
      'consume platformatic: not measured (consume: stream ended)',
      'consume confluent: 500 records/s (0.50× kafkajs); median of 1; min 500, max 500, spread 0.0 %',
      'platformatic run failed: consume: stream ended',
    ]);
  });
});
