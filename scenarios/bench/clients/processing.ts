// The consumer side's simulated work, the same for every client: every value parsed as JSON (as
// the projector does), and a fixed wait per 500 records standing for one batched DB commit. The
// wait is what a client that fetches ahead can overlap; one that fetches only when asked cannot.

export const PROCESS_BATCH = 500;
export const PROCESS_MS_PER_BATCH = 2;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Processing {
  processed = 0;
  private pending = 0;

  constructor(
    readonly batchSize = PROCESS_BATCH,
    readonly msPerBatch = PROCESS_MS_PER_BATCH,
    /** Sees every parsed value (the integration test checks what arrived). */
    private readonly onValue?: (parsed: unknown) => void,
  ) {}

  /** Parses one value; a promise to await when it closed a batch, else undefined (no microtask per record). */
  record(value: Buffer | string | null | undefined): Promise<void> | undefined {
    const parsed: unknown = JSON.parse(typeof value === 'string' ? value : (value?.toString('utf8') ?? 'null'));
    this.onValue?.(parsed);
    this.processed++;
    if (++this.pending < this.batchSize) return undefined;
    this.pending = 0;
    return sleep(this.msPerBatch);
  }
}
