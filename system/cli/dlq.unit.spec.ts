import { describe, expect, it } from 'vitest';
import { parseDlqArgs } from './dlq.ts';

describe('parseDlqArgs', () => {
  it('parses the three actions', () => {
    expect(parseDlqArgs(['list'])).toEqual({ action: 'list', all: false, json: false });
    expect(parseDlqArgs(['list', '--all', '--json'])).toEqual({ action: 'list', all: true, json: true });
    expect(parseDlqArgs(['replay', '12'])).toEqual({ action: 'replay', ids: [12] });
    expect(parseDlqArgs(['discard', '3'])).toEqual({ action: 'discard', ids: [3] });
    expect(parseDlqArgs(['replay', '12', '4', '30'])).toEqual({ action: 'replay', ids: [12, 4, 30] }); // order kept
  });

  it.each([
    [[]],
    [['purge']],
    [['replay']],
    [['replay', 'x']],
    [['replay', '0']],
    [['discard', '1', 'x']],
    [['replay', '5', '5']],
    [['list', '--bogus']],
  ])('refuses %j', (argv) => {
    expect(parseDlqArgs(argv)).toBeNull();
  });
});
