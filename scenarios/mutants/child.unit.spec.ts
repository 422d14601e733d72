import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../environment/paths.ts';
import { runChild } from './child.ts';

const logFile = () => join(mkdtempSync(join(tmpdir(), 'mutants-child-')), 'out.log');

describe('runChild', () => {
  it('returns the exit code and appends the output to the log', async () => {
    const log = logFile();
    const r = await runChild({
      cwd: PROJECT_ROOT,
      args: ['--eval', 'console.log("hello"); process.exit(3)'],
      env: process.env,
      logFile: log,
      timeoutMs: 60_000,
    });
    expect(r).toEqual({ exitCode: 3, timedOut: false });
    expect(readFileSync(log, 'utf8')).toBe('hello\n');
  });

  it('stops a child that outlives its limit, and says it timed out', async () => {
    const started = Date.now();
    const r = await runChild({
      cwd: PROJECT_ROOT,
      args: ['--eval', 'setTimeout(() => {}, 60_000)'],
      env: process.env,
      logFile: logFile(),
      timeoutMs: 1_500,
    });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
