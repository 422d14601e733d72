import { describe, expect, it } from 'vitest';
import { armCrashPoints, armedCrashPoints, parsePointSpec } from './crashPoints.ts';

describe('crash point arming', () => {
  it('reads each point with its pass and action: kill unless told pause', () => {
    expect([...parsePointSpec('relay.after-claim-before-send:3, projector.mid-run:1:pause')]).toEqual([
      ['relay.after-claim-before-send', { nth: 3, action: 'kill' }],
      ['projector.mid-run', { nth: 1, action: 'pause' }],
    ]);
    expect(parsePointSpec('')).toEqual(new Map());
  });

  it('refuses unknown points, passes below 1 and unknown actions, naming the accepted points', () => {
    expect(() => parsePointSpec('relay.nowhere:1')).toThrow(/relay.after-claim-before-send/);
    expect(() => parsePointSpec('projector.mid-run:0:pause')).toThrow(/bad crash point/);
    expect(() => parsePointSpec('projector.mid-run:1:sleep')).toThrow(/bad crash point/);
  });

  it('arming replaces what was armed, with fresh pass counts', () => {
    armCrashPoints('projector.mid-run:2:pause');
    expect(armedCrashPoints().get('projector.mid-run')).toEqual({ nth: 2, passes: 0, action: 'pause' });
    armCrashPoints('');
    expect(armedCrashPoints().size).toBe(0);
  });
});
