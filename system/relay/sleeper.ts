// An interruptible sleep: `wake()` ends the current sleep at once (used by stop()).

export interface Sleeper {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function createSleeper(running: () => boolean): Sleeper {
  let wake: (() => void) | null = null;
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (ms <= 0 || !running()) return resolve();
        const t = setTimeout(() => {
          wake = null;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(t);
          wake = null;
          resolve();
        };
      }),
    wake: () => wake?.(),
  };
}
