import { describe, expect, it } from 'vitest';
import { classifyBuild, installDir, installError } from './install.ts';

describe('how the native part came', () => {
  it('from node-pre-gyp and node-gyp lines', () => {
    expect(classifyBuild('[x] Success: "a.node" is installed via remote', true)).toBe('prebuilt binary');
    expect(classifyBuild('gyp info spawn make\nmake: Entering directory', true)).toBe('built from source');
    expect(classifyBuild('added 26 packages', true)).toBe('unknown');
    expect(classifyBuild('gyp info spawn make', false)).toBe('pure JavaScript');
  });
});

describe('an install error', () => {
  it('keeps the last error lines, short', () => {
    const out = ['npm warn x', 'npm error [log] GET https://x', 'npm error gyp ERR! stack one', 'ok', 'npm error build failed'].join('\n');
    expect(installError(out, 1)).toBe('npm install exited 1: npm error gyp ERR! stack one | npm error build failed');
    expect(installError('', null)).toBe('npm install exited on a signal');
    expect(installError(`npm error ${'x'.repeat(1000)}`, 1).length).toBeLessThan(450);
  });
});

describe('the install folder', () => {
  it('one per package and version, no slash inside', () => {
    expect(installDir('/c', { pkg: '@confluentinc/kafka-javascript', version: '1.10.1' })).toBe('/c/@confluentinc+kafka-javascript@1.10.1');
  });
});
