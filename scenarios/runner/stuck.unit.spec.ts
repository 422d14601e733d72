import { describe, expect, it } from 'vitest';
import { nextIdle, watchStuck, type StuckReading } from './stuck.ts';

const idle = (mark: string): StuckReading => ({ backlog: 0, lag: 0, readMark: mark });

describe('stuck detection', () => {
  it('counts idle time only while nothing is waiting and the read model stays the same', () => {
    let s = nextIdle({ mark: null, idleSinceMs: null }, idle('a'), 0);
    expect(s.idleSinceMs).toBeNull(); // first look: nothing to compare with
    s = nextIdle(s, idle('a'), 500);
    expect(s.idleSinceMs).toBe(500);
    s = nextIdle(s, idle('a'), 1_000);
    expect(s.idleSinceMs).toBe(500);
    expect(nextIdle(s, idle('b'), 1_500).idleSinceMs).toBeNull(); // the read model moved
    expect(nextIdle(s, { ...idle('a'), lag: 3 }, 1_500).idleSinceMs).toBeNull(); // records not consumed yet
    expect(nextIdle(s, { ...idle('a'), backlog: 1 }, 1_500).idleSinceMs).toBeNull(); // a row not published yet
    expect(nextIdle(s, { ...idle('a'), lag: null }, 1_500).idleSinceMs).toBeNull(); // unknown is not idle
  });

  it('says stuck after the idle time, and not while the read model keeps changing', async () => {
    let t = 0;
    const now = () => t;
    const still = watchStuck(
      async () => {
        t += 100;
        return idle('same');
      },
      { idleMs: 1_000, now, everyMs: 1 },
    );
    for (let i = 0; i < 100 && !still.stuck(); i++) await new Promise((r) => setTimeout(r, 2));
    expect(still.stuck()).toBe(true);
    await still.stop();

    let n = 0;
    const moving = watchStuck(
      async () => {
        t += 100;
        return idle(String(n++));
      },
      { idleMs: 1_000, now, everyMs: 1 },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(moving.stuck()).toBe(false);
    await moving.stop();
  });
});
