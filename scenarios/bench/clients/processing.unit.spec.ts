import { describe, expect, it } from 'vitest';
import { Countdown } from './clientApi.ts';
import { Processing } from './processing.ts';

describe('simulated processing', () => {
  it('parses every value and asks for a wait once per batch', async () => {
    const seen: unknown[] = [];
    const p = new Processing(3, 1, (v) => seen.push(v));
    expect(p.record('{"a":1}')).toBeUndefined();
    expect(p.record(Buffer.from('{"a":2}'))).toBeUndefined();
    const wait = p.record('{"a":3}');
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(p.record('{"a":4}')).toBeUndefined();
    expect(p.processed).toBe(4);
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });
  it('a value that is not JSON is an error, not a skipped record', () => {
    expect(() => new Processing().record('not json')).toThrow();
  });
});

describe('countdown', () => {
  it('resolves at the count, stamps the first delivery once', async () => {
    const c = new Countdown(2);
    c.delivered();
    const first = c.firstAt;
    c.delivered();
    expect(c.firstAt).toBe(first);
    expect(c.processed()).toBe(false);
    expect(c.processed()).toBe(true);
    expect(c.finished).toBe(true);
    await c.done;
    expect(c.lastAt).toBeGreaterThanOrEqual(first);
  });
});
