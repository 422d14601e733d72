// autocannon's result → the JSON-able LoadResult the CLI prints and reports embed. Pure.
import type { Result } from 'autocannon';

export interface LoadResult {
  url: string;
  target: { rate: number | 'max'; durationS: number; connections: number };
  durationS: number; // as measured by autocannon
  requests: { sent: number; completed: number };
  accepted: number; // 2xx
  acceptedPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: { connection: number; timeouts: number; non2xx: number; byStatus: Record<string, number> };
}

export function toLoadResult(
  r: Pick<Result, 'url' | 'duration' | 'requests' | 'latency' | 'errors' | 'timeouts' | 'non2xx' | '2xx' | 'statusCodeStats'>,
  target: LoadResult['target'],
): LoadResult {
  const byStatus: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) byStatus[code] = s?.count ?? 0;
  }
  const accepted = r['2xx'];
  return {
    url: r.url,
    target,
    durationS: r.duration,
    requests: { sent: r.requests.sent, completed: accepted + r.non2xx },
    accepted,
    acceptedPerSecond: r.duration > 0 ? Math.round((accepted / r.duration) * 10) / 10 : 0,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: Math.round(r.latency.mean * 100) / 100,
    },
    errors: { connection: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, byStatus },
  };
}

export function formatLoadResult(l: LoadResult): string {
  const e = l.errors;
  const codes = Object.entries(e.byStatus)
    .map(([c, n]) => `${c}×${n}`)
    .join(' ');
  return [
    `load ${l.url}: target ${l.target.rate === 'max' ? 'max rate' : `${l.target.rate} req/s`}, ${l.target.connections} connections, ${l.durationS.toFixed(1)} s`,
    `  accepted ${l.accepted} (${l.acceptedPerSecond}/s) of ${l.requests.sent} sent`,
    `  latency ms: p50 ${l.latencyMs.p50}  p90 ${l.latencyMs.p90}  p99 ${l.latencyMs.p99}  max ${l.latencyMs.max}`,
    `  errors: connection ${e.connection} (timeouts ${e.timeouts}), non-2xx ${e.non2xx}${codes ? ` (${codes})` : ''}`,
  ].join('\n');
}
