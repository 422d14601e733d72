import { describe, expect, it } from 'vitest';
import { nextChunkSize } from './chunking.ts';

describe('nextChunkSize', () => {
  it('takes up to batchMax records', () => {
    expect(nextChunkSize(1200, 500, 0)).toBe(500);
    expect(nextChunkSize(3, 500, 0)).toBe(3);
    expect(nextChunkSize(3, 0, 0)).toBe(1);
  });

  it('gives the isolated record a chunk of its own, after the records before it', () => {
    // records 1..3 fetched, record 2 isolated: chunks [1], [2], [3]
    expect(nextChunkSize(3, 500, 0, 2)).toBe(1);
    expect(nextChunkSize(2, 500, 1, 2)).toBe(1);
    expect(nextChunkSize(1, 500, 2, 2)).toBe(1);
    // record 10 isolated in a fetch of 20: chunk of 9, then 1, then the rest
    expect(nextChunkSize(20, 500, 0, 10)).toBe(9);
    expect(nextChunkSize(11, 500, 9, 10)).toBe(1);
    expect(nextChunkSize(10, 500, 10, 10)).toBe(10);
  });
});
