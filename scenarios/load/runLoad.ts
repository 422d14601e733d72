// Drives the command API with autocannon at a target rate (`overallRate`) or at maximum, for a
// bounded time. Every request registers a new user (see requests.ts). Used by `npm run load`,
// by the benchmark, and (later) by the scenario runner for load under faults.
import autocannon, { type Request } from 'autocannon';
import { parseAccepted, registerRequest } from './requests.ts';
import { toLoadResult, type LoadResult } from './summary.ts';

export type { LoadResult } from './summary.ts';

export interface LoadOptions {
  url: string; // base URL of the command service (normally env.system.commandService, the proxy)
  rate?: number; // requests/s over all connections; absent = as fast as it answers
  durationS: number;
  connections?: number; // default 8: the command service's DB pool size
  timeoutS?: number; // per request
  /** Called for each accepted registration (201) as it arrives: used by the e2e latency probe. */
  onAccepted?: (a: { id: string; version: number; at: number }) => void;
}

export const MAX_DURATION_S = 3600;

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (!(o.durationS > 0 && o.durationS <= MAX_DURATION_S)) throw new RangeError(`durationS must be in (0, ${MAX_DURATION_S}]`);
  const connections = o.connections ?? 8;
  let n = 0;
  const request: Request = {
    setupRequest: (req) => ({ ...req, ...registerRequest(undefined, n++) }),
  };
  if (o.onAccepted) {
    const cb = o.onAccepted;
    request.onResponse = (status, body) => {
      const a = parseAccepted(status, body);
      if (a) cb({ ...a, at: performance.now() });
    };
  }
  const result = await autocannon({
    url: o.url,
    connections,
    duration: o.durationS,
    timeout: o.timeoutS ?? 10,
    ...(o.rate !== undefined ? { overallRate: o.rate } : {}),
    requests: [request],
  });
  return toLoadResult(result, { rate: o.rate ?? 'max', durationS: o.durationS, connections });
}
