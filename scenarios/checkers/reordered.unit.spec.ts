import { describe, expect, it } from 'vitest';
import { checkReordered } from './reordered.ts';
import { BASIC, healthyRun } from './testing.ts';

describe('reordered', () => {
  it('passes a healthy run', () => {
    expect(checkReordered(healthyRun(BASIC)).valid).toBe(true);
  });

  it('finds a stream whose v2 was first applied after v3', () => {
    const input = healthyRun(BASIC);
    const a2 = input.read.applied.findIndex((r) => r.eventId === 'e-a-2');
    const [row] = input.read.applied.splice(a2, 1);
    input.read.applied.push(row!);
    const r = checkReordered(input);
    expect(r.valid).toBe(false);
    expect(r.anomalies).toEqual([
      expect.objectContaining({ streamId: 'a', eventId: 'e-a-2', versions: [3, 2], data: expect.objectContaining({ after: 'e-a-3' }) }),
    ]);
  });

  it('does not call a replay of already applied versions a reordering', () => {
    const input = healthyRun(BASIC);
    input.read.applied = [...input.read.applied, ...input.read.applied];
    expect(checkReordered(input).valid).toBe(true);
  });

  it('orders streams independently', () => {
    const input = healthyRun(BASIC);
    input.read.applied.sort((x, y) => (x.streamId === y.streamId ? 0 : x.streamId === 'b' ? -1 : 1));
    expect(checkReordered(input).valid).toBe(true);
  });
});
