// junit.xml: one testcase per scenario × configuration, grouped in one testsuite per configuration;
// a failure carries the anomaly list, a harness error is an <error>.
import { configurationLabel } from '../checkers/expectations.ts';
import { anomaliesOf, failureReasons, type RunResult, type ScenarioRunResult } from './types.ts';

/** XML 1.0 forbids most control characters even escaped: drop them, then escape the five. */
export function escapeXml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- the point: the XML 1.0 character ranges, control characters included
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: ScenarioRunResult): string {
  const label = configurationLabel(r.configuration);
  const head = `    <testcase classname="faultline.${escapeXml(label)}" name="${escapeXml(r.scenario)}" time="${secs(r.durationMs)}">`;
  const body: string[] = [];
  const reasons = failureReasons(r).filter((x) => !x.startsWith('harness error'));
  if (r.error) body.push(`      <error message="${escapeXml(r.error)}" type="harness"/>`);
  if (reasons.length) {
    const detail = anomaliesOf(r)
      .map((a) => `${a.name}: ${a.message}`)
      .join('\n');
    body.push(`      <failure message="${escapeXml(reasons.join('; '))}" type="anomalies">${escapeXml(detail)}</failure>`);
  }
  if (r.replay) body.push(`      <system-out>${escapeXml(`replay: ${r.replay}`)}</system-out>`);
  return body.length ? [head, ...body, '    </testcase>'].join('\n') : head.replace(/>$/, '/>');
}

export function renderJunit(run: RunResult): string {
  const groups = new Map<string, ScenarioRunResult[]>();
  for (const r of run.results) {
    const label = configurationLabel(r.configuration);
    groups.set(label, [...(groups.get(label) ?? []), r]);
  }
  const count = (rs: ScenarioRunResult[]) => ({
    tests: rs.length,
    failures: rs.filter((r) => failureReasons(r).some((x) => !x.startsWith('harness error'))).length,
    errors: rs.filter((r) => r.error).length,
    time: secs(rs.reduce((t, r) => t + r.durationMs, 0)),
  });
  const attrs = (c: ReturnType<typeof count>) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" time="${c.time}"`;
  const suites = [...groups].map(([label, rs]) =>
    [
      `  <testsuite name="${escapeXml(label)}" ${attrs(count(rs))} timestamp="${escapeXml(rs[0]!.startedAt)}">`,
      ...rs.map(testcase),
      '  </testsuite>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline ${escapeXml(run.runId)}" ${attrs(count(run.results))}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
