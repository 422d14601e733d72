import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../checkers/types.ts';
import { FINAL_STATE_FILE, loadFinalState, saveFinalState } from './finalStateFile.ts';
import { syntheticFinalState } from './testing.ts';

let dir = '';
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('saveFinalState', () => {
  const final = syntheticFinalState();
  final.write.events.push({ eventId: 'other', streamId: 'u-9', streamVersion: 1, type: 'UserRegistered', payload: {}, occurredAt: '2026-11-28T12:00:00.000Z' });

  it('keeps only the streams the anomalies name, and loads back', () => {
    dir = mkdtempSync(join(tmpdir(), 'final-'));
    const lost: Anomaly = { name: 'lost', message: '', streamId: 'u-1' };
    expect(saveFinalState(dir, final, [lost])).toBe(join(dir, FINAL_STATE_FILE));
    const back = loadFinalState(dir)!;
    expect(back.write.events.map((e) => e.eventId)).toEqual(['e-0', 'e1']);
    expect(back.topics.events).toHaveLength(1);
    expect(back.read.applied).toHaveLength(1);
  });

  it('writes nothing when no anomaly names a stream; everything when not given anomalies', () => {
    dir = mkdtempSync(join(tmpdir(), 'final-'));
    expect(saveFinalState(dir, final, [{ name: 'slow-convergence', message: '' }])).toBeUndefined();
    expect(existsSync(join(dir, FINAL_STATE_FILE))).toBe(false);
    expect(loadFinalState(dir)).toBeUndefined();
    saveFinalState(dir, final);
    expect(loadFinalState(dir)!.write.events).toHaveLength(3);
  });
});
