// A profile run as two shards and merged gives the verdicts of the same profile run unsharded
// (same seed): a small profile of two scenarios, on the real environment, through the CLIs a CI
// matrix would use. Needs `npm run env -- up --infra-only`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ONLY = 'write-db-outage,slow-links';

function cli(script: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync('npx', ['--no-install', 'tsx', `scenarios/cli/${script}.ts`, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function suite(extra: string[]): string {
  const r = cli('scenarios', ['--only', ONLY, '--seed', '7', ...extra]);
  const dir = /^reports: (\S+)$/m.exec(r.out)?.[1];
  expect(dir, r.out.slice(-2000)).toBeDefined();
  return dir!;
}

type Verdicts = { cell: string; passed: boolean; found: string[] }[];
const verdicts = (dir: string): Verdicts =>
  (
    JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      results: { scenario: string; configuration: { publish: string; consume: string }; passed: boolean; found: string[] }[];
    }
  ).results.map((r) => ({ cell: `${r.scenario}@${r.configuration.publish}/${r.configuration.consume}`, passed: r.passed, found: r.found }));

describe('sharded runs', () => {
  it('two shards, merged, give the unsharded run’s verdicts', { timeout: 900_000 }, () => {
    const whole = verdicts(suite([]));
    const one = suite(['--shard', '1/2']);
    const two = suite(['--shard', '2/2']);
    expect(verdicts(one)).toHaveLength(1);
    expect(verdicts(two)).toHaveLength(1);
    const out = join(mkdtempSync(join(tmpdir(), 'faultline-merged-')), 'merged');
    const merged = cli('report', ['merge', one, two, '--out', out]);
    expect(merged.code, merged.out).toBe(whole.every((v) => v.passed) ? 0 : 1);
    expect(verdicts(out)).toEqual(whole);
    for (const f of ['report.md', 'report.html', 'junit.xml']) expect(readFileSync(join(out, f), 'utf8').length).toBeGreaterThan(100);
  });
});
