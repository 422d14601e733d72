import { describe, expect, it } from 'vitest';
import { checkMetricLabels, labelProblem, parseSeries } from './metricLabels.ts';
import { checkTelemetryLied } from './telemetryLied.ts';
import { BASIC, healthyRun } from './testing.ts';
import type { MetricContract, MetricSample } from './types.ts';

const CONTRACT: MetricContract = {
  errors_total: { labels: { kind: 'kafka|db' } },
  commands_total: {
    labels: { outcome: 'accepted|rejected', status: '[1-5][0-9][0-9]' },
    rules: [
      { if: { outcome: 'accepted' }, then: { status: '2[0-9][0-9]' } },
      { if: { outcome: 'rejected' }, then: { status: '4[0-9][0-9]' } },
    ],
  },
  http_seconds: { histogram: true, labels: { route: '/[^\\s]*' } },
};

const sample = (ms: number, metrics: MetricSample['metrics']): MetricSample => ({ ms, metrics });

describe('metric labels against the contract', () => {
  it('reads series as Prometheus prints them, escapes included', () => {
    expect(parseSeries('up')).toEqual({ name: 'up', labels: {} });
    expect(parseSeries('x{a="1",b="say \\"hi\\"\\n"}')).toEqual({ name: 'x', labels: { a: '1', b: 'say "hi"\n' } });
    expect(parseSeries('x{a="1"')).toBeUndefined();
    expect(parseSeries('x{a=1}')).toBeUndefined();
  });

  it('passes series with exactly their labels and allowed values, and ignores metrics it does not name', () => {
    const ok = sample(0, {
      relay: { 'errors_total{kind="kafka"}': 3, 'errors_total{kind="db"}': 1, process_cpu_seconds_total: 2, 'other{x=""}': 1 },
      'command-service': {
        'commands_total{outcome="accepted",status="201"}': 5,
        'commands_total{outcome="rejected",status="409"}': 1,
        'http_seconds_bucket{le="0.1",route="/users"}': 1,
        'http_seconds_bucket{le="+Inf",route="/users"}': 1,
        'http_seconds_sum{route="/users"}': 0.02,
        'http_seconds_count{route="/users"}': 1,
      },
    });
    expect(checkMetricLabels([ok], CONTRACT)).toEqual([]);
  });

  it('finds a count made without its label, with an empty or unknown value, or with a label it never declared', () => {
    const bad = sample(1500, {
      relay: { errors_total: 2, 'errors_total{kind=""}': 1, 'errors_total{kind="disk"}': 1, 'errors_total{kind="db",extra="1"}': 1 },
    });
    const found = checkMetricLabels([bad], CONTRACT);
    expect(found.map((a) => [a.name, a.data?.series, a.data?.problem])).toEqual([
      ['telemetry-lied', 'errors_total', 'without its label kind'],
      ['telemetry-lied', 'errors_total{kind=""}', 'with kind="", not one of /kafka|db/'],
      ['telemetry-lied', 'errors_total{kind="disk"}', 'with kind="disk", not one of /kafka|db/'],
      ['telemetry-lied', 'errors_total{kind="db",extra="1"}', 'with undeclared label extra'],
    ]);
    expect(found[0]!.message).toContain('relay exported errors_total at 1500 ms');
  });

  it('anchors each pattern: a value that only contains an allowed one is not allowed', () => {
    expect(labelProblem(CONTRACT.errors_total!, { kind: 'kafkaesque' })).toMatch(/not one of/);
    expect(labelProblem(CONTRACT.errors_total!, { kind: 'xdb' })).toMatch(/not one of/);
  });

  it('applies the rules between labels: an accepted command answered 5xx is a lie', () => {
    expect(labelProblem(CONTRACT.commands_total!, { outcome: 'accepted', status: '500' })).toBe(
      'with status="500" beside outcome="accepted", which requires /2[0-9][0-9]/',
    );
    expect(labelProblem(CONTRACT.commands_total!, { outcome: 'rejected', status: '200' })).toMatch(/requires \/4/);
    expect(labelProblem(CONTRACT.commands_total!, { outcome: 'rejected', status: '404' })).toBeUndefined();
  });

  it('judges a histogram by its sum, count and buckets, a bucket without its le aside', () => {
    const found = checkMetricLabels(
      [sample(0, { q: { 'http_seconds_bucket{le="1"}': 1, 'http_seconds_count{route="/x",le="1"}': 1 } })],
      CONTRACT,
    );
    expect(found.map((a) => a.data?.problem)).toEqual(['without its label route', 'with undeclared label le']);
  });

  it('reports a series once per process, at the first sample that shows it', () => {
    const s = (ms: number) => sample(ms, { relay: { errors_total: ms }, 'relay#2': { errors_total: 1 } });
    const found = checkMetricLabels([s(1000), s(2000), s(3000)], CONTRACT);
    expect(found.map((a) => [a.data?.process, a.data?.atMs])).toEqual([
      ['relay', 1000],
      ['relay#2', 1000],
    ]);
  });

  it('is part of telemetry-lied when the run carries samples and a contract', () => {
    const metricSamples = [sample(0, { relay: { errors_total: 1 } })];
    expect(checkTelemetryLied({ ...healthyRun(BASIC), metricSamples, metricContract: CONTRACT }).valid).toBe(false);
    expect(checkTelemetryLied({ ...healthyRun(BASIC), metricSamples }).valid).toBe(true); // no contract: nothing to judge by
  });
});
