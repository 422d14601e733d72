import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processName } from './cpuProfileHook.mjs';
import { listProfiles, profileEnv } from './profiles.ts';

describe('processName', () => {
  it('names a profile after the system process entry it ran', () => {
    expect(processName('/w/system/relay/main.ts')).toBe('relay');
    expect(processName('/w/system/commandService/main.ts')).toBe('commandService');
    expect(processName('/w/scenarios/cli/bench.ts')).toBe('node');
    expect(processName(undefined)).toBe('node');
  });
});

describe('profileEnv', () => {
  it('preloads the hook next to existing NODE_OPTIONS, and a process so started writes a profile on exit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-'));
    const env = profileEnv(dir, '--max-old-space-size=256');
    expect(env.NODE_OPTIONS).toMatch(/^--max-old-space-size=256 --import=.*cpuProfileHook\.mjs$/);
    const r = spawnSync(process.execPath, ['-e', 'let x = 0; for (let i = 0; i < 1e6; i++) x += i; process.exit(0)'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const files = listProfiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^node-\d+\.cpuprofile$/);
    const profile = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.nodes.length).toBeGreaterThan(0);
  });
});
