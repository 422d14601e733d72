import { describe, expect, it } from 'vitest';
import { playSchedule, type Nemesis } from './nemesis.ts';
import type { Fault } from './types.ts';

function recordingNemesis(stopDelayMs: number) {
  const log: string[] = [];
  const nemesis: Nemesis = {
    async start(f, id) {
      log.push(`start ${id} ${f.target}`);
    },
    async stop(f, id) {
      await new Promise((r) => setTimeout(r, stopDelayMs));
      log.push(`stop ${id} ${f.target}`);
    },
    async healAll() {},
  };
  return { nemesis, log };
}

describe('playSchedule', () => {
  it('runs faults on one process one whole window after another, even when a restart overruns', async () => {
    const kill = (at: number): Fault => ({ at, fault: 'kill', target: 'projector', duration: 20, params: {} });
    const { nemesis, log } = recordingNemesis(60); // the restart takes longer than the gap to the next kill
    await playSchedule([kill(0), kill(30), kill(40)], nemesis);
    expect(log).toEqual([
      'start 0 projector',
      'stop 0 projector',
      'start 1 projector',
      'stop 1 projector',
      'start 2 projector',
      'stop 2 projector',
    ]);
  });

  it('lets faults on different targets overlap', async () => {
    const { nemesis, log } = recordingNemesis(50);
    await playSchedule(
      [
        { at: 0, fault: 'kill', target: 'projector', duration: 20, params: {} },
        { at: 10, fault: 'down', target: 'relay-kafka', duration: 20, params: {} },
      ],
      nemesis,
    );
    expect(log.indexOf('start 1 relay-kafka')).toBeLessThan(log.indexOf('stop 0 projector'));
  });
});
