// The containers' CPU weight, on a scratch directory laid out like cgroupfs (v1 and v2).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINER_CPU_WEIGHT, weighContainerCgroup } from './engine.ts';

function fakeCgroupRoot(layout: 'v1' | 'v2'): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'faultline-cgroup-'));
  const top = layout === 'v1' ? join(root, 'cpu') : root;
  const name = layout === 'v1' ? 'cpu.shares' : 'cpu.weight';
  mkdirSync(join(top, 'libpod_parent'), { recursive: true });
  writeFileSync(join(top, name), layout === 'v1' ? '1024' : '100');
  // cgroupfs creates a new group's files itself; the scratch dir needs them written.
  writeFileSync(join(top, 'libpod_parent', name), layout === 'v1' ? '1024' : '100');
  return { root, file: join(top, 'libpod_parent', name) };
}

describe("the containers' CPU weight", () => {
  it('gives podman’s parent cgroup the weight of 16 tasks (cgroup v1 shares)', () => {
    const { root, file } = fakeCgroupRoot('v1');
    weighContainerCgroup(() => undefined, root);
    expect(readFileSync(file, 'utf8')).toBe(String(CONTAINER_CPU_WEIGHT.v1Shares));
  });

  it('and on cgroup v2, its weight', () => {
    const { root, file } = fakeCgroupRoot('v2');
    weighContainerCgroup(() => undefined, root);
    expect(readFileSync(file, 'utf8')).toBe(String(CONTAINER_CPU_WEIGHT.v2Weight));
  });

  it('says so, and goes on, where it cannot write', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-cgroup-'));
    mkdirSync(join(root, 'cpu'));
    writeFileSync(join(root, 'cpu', 'cpu.shares'), '1024');
    writeFileSync(join(root, 'cpu', 'libpod_parent'), 'a file where the group should be');
    const said: string[] = [];
    weighContainerCgroup((l) => said.push(l), root);
    expect(said.join('\n')).toMatch(/could not set the containers' CPU weight/);
  });
});
