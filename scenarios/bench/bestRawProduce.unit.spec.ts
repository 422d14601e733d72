import { describe, expect, it } from 'vitest';
import { pickBest } from './bestRawProduce.ts';

describe('the raw produce baseline', () => {
  it('is the fastest client that ran, whichever it is', () => {
    expect(
      pickBest([
        { client: 'kafkajs', perSecond: 30_000 },
        { client: 'platformatic 1.35.0', perSecond: 62_000 },
        { client: 'confluent', error: 'install failed' },
      ]),
    ).toEqual({
      client: 'platformatic 1.35.0',
      perSecond: 62_000,
    });
    expect(
      pickBest([
        { client: 'kafkajs', perSecond: 30_000 },
        { client: 'platformatic', perSecond: 29_000 },
      ]),
    ).toEqual({ client: 'kafkajs', perSecond: 30_000 });
  });

  it('skips a candidate that failed or measured nothing, and refuses when none ran', () => {
    expect(
      pickBest([
        { client: 'a', perSecond: Number.NaN },
        { client: 'b', perSecond: 5 },
      ]).client,
    ).toBe('b');
    expect(() => pickBest([{ client: 'a', error: 'x' }])).toThrow(/no raw produce baseline ran/);
  });
});
