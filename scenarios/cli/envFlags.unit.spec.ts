import { describe, expect, it } from 'vitest';
import { binlogFromFlags } from './envFlags.ts';

describe('env up: the binary log of commands', () => {
  it('is on when asked for or implied by a cdc publish mode', () => {
    expect(binlogFromFlags({ binlog: true }, undefined)).toBe(true);
    expect(binlogFromFlags({ publish: 'cdc' }, false)).toBe(true);
    expect(binlogFromFlags({ publish: 'cdc-eos' }, undefined)).toBe(true);
  });

  it('is off on a fresh environment unless asked, and off when --no-binlog says so', () => {
    expect(binlogFromFlags({}, undefined)).toBe(false);
    expect(binlogFromFlags({ publish: 'outbox' }, undefined)).toBe(false);
    expect(binlogFromFlags({ 'no-binlog': true }, true)).toBe(false);
  });

  it('stays as the running environment has it when nothing is said (like its broker count)', () => {
    expect(binlogFromFlags({}, true)).toBe(true);
    expect(binlogFromFlags({ publish: 'dual-write' }, true)).toBe(true);
    expect(binlogFromFlags({}, false)).toBe(false);
  });

  it('refuses contradictions', () => {
    expect(binlogFromFlags({ binlog: true, 'no-binlog': true }, undefined)).toMatch(/contradict/);
    expect(binlogFromFlags({ publish: 'cdc', 'no-binlog': true }, undefined)).toMatch(/--publish cdc reads the binary log/);
  });
});
