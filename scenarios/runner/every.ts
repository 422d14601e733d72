// A tick loop that never overlaps itself: one tick runs at a time, a slow tick skips the next.

export interface Ticker {
  stop(): Promise<void>;
}

export function every(ms: number, tick: () => Promise<void>): Ticker {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const run = () => {
    if (busy || stopped) return;
    busy = true;
    running = tick()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  };
  const timer = setInterval(run, ms);
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
