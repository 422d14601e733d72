import { describe, expect, it } from 'vitest';
import { alternatingOrder } from './order.ts';

describe('alternating order', () => {
  it('runs forward then backward', () => {
    expect(alternatingOrder(['A', 'B', 'C'], 2)).toEqual(['A', 'B', 'C', 'C', 'B', 'A']);
    expect(alternatingOrder(['A', 'B', 'C'], 3)).toEqual(['A', 'B', 'C', 'C', 'B', 'A', 'A', 'B', 'C']);
    expect(alternatingOrder(['A', 'B'], 1)).toEqual(['A', 'B']);
  });
  it('with an even count, every client has the same mean position and as many runs', () => {
    const order = alternatingOrder(['A', 'B', 'C'], 4);
    for (const c of ['A', 'B', 'C']) {
      const at = order.flatMap((x, i) => (x === c ? [i] : []));
      expect(at).toHaveLength(4);
      expect(at.reduce((a, b) => a + b, 0) / at.length).toBe((order.length - 1) / 2);
    }
  });
  it('does not change the list it is given', () => {
    const items = ['A', 'B'];
    alternatingOrder(items, 2);
    expect(items).toEqual(['A', 'B']);
  });
  it('refuses fewer than one repetition', () => {
    expect(() => alternatingOrder(['A'], 0)).toThrow(/≥ 1/);
    expect(() => alternatingOrder(['A'], 1.5)).toThrow(/integer/);
  });
});
