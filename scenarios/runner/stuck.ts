// Knowing early that a run will never converge. After the workload has stopped, a system with no
// unpublished outbox row, no consumer lag, and a read model that has not changed for a while has
// nothing left to do: whatever the read model lacks now, it will always lack. Waiting out the
// full convergence bound then only makes a failing run (and a mutant's kill) slower.

export interface StuckReading {
  /** Outbox rows not published yet (null: could not tell). */
  backlog: number | null;
  /** Records of the events topic the projector group has not committed (null: could not tell). */
  lag: number | null;
  /** A fingerprint of the read model (null: could not read it). */
  readMark: string | null;
}

export interface IdleState {
  mark: string | null;
  idleSinceMs: number | null;
}

/** One step: when the system has been idle since (null: it is not idle now). */
export function nextIdle(prev: IdleState, r: StuckReading, nowMs: number): IdleState {
  const idle = r.backlog === 0 && r.lag === 0 && r.readMark !== null && r.readMark === prev.mark;
  return { mark: r.readMark, idleSinceMs: idle ? (prev.idleSinceMs ?? nowMs) : null };
}

export interface StuckWatch {
  /** The system was idle for `idleMs` without converging: waiting longer cannot change the outcome. */
  stuck(): boolean;
  stop(): Promise<void>;
}

export function watchStuck(read: () => Promise<StuckReading>, o: { idleMs: number; now: () => number; everyMs?: number }): StuckWatch {
  let state: IdleState = { mark: null, idleSinceMs: null };
  let stuck = false;
  let running = true;
  const loop = (async () => {
    while (running && !stuck) {
      const r = await read().catch(() => ({ backlog: null, lag: null, readMark: null }));
      state = nextIdle(state, r, o.now());
      if (state.idleSinceMs !== null && o.now() - state.idleSinceMs >= o.idleMs) stuck = true;
      else await new Promise((res) => setTimeout(res, o.everyMs ?? 500));
    }
  })();
  return {
    stuck: () => stuck,
    async stop() {
      running = false;
      await loop;
    },
  };
}
