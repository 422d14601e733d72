import { describe, expect, it } from 'vitest';
import { nextPollDelay } from './pollDelay.ts';

const o = { minMs: 5, maxMs: 100 };

describe('nextPollDelay', () => {
  it('polls again at once after a full batch', () => {
    expect(nextPollDelay(80, 100, 100, o)).toBe(0);
  });
  it('pauses briefly after a partial batch', () => {
    expect(nextPollDelay(80, 3, 100, o)).toBe(5);
  });
  it('backs off while idle, doubling up to the ceiling', () => {
    const seen: number[] = [];
    let d = 0;
    for (let i = 0; i < 7; i++) seen.push((d = nextPollDelay(d, 0, 100, o)));
    expect(seen).toEqual([5, 10, 20, 40, 80, 100, 100]);
  });
});
