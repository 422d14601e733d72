// Open-loop registrations at evenly spaced times over a keep-alive pool of `connections` sockets;
// each 201 is handed to `onAccepted`. Bounded by the schedule's count and a deadline.
import { Agent, request } from 'node:http';
import { registerRequest, parseAccepted } from '../load/requests.ts';
import { sendSchedule } from './pacing.ts';

export interface PacedResult {
  sent: number;
  accepted: number;
  failed: number;
  ms: number;
}

export async function pacedLoad(o: {
  url: string;
  rate: number;
  durationS: number;
  connections: number;
  /** `at`: the 201, `sentAt`: the request went out (performance.now()). */
  onAccepted: (a: { id: string; version: number; at: number; sentAt: number }) => void;
}): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const target = new URL(o.url);
  const schedule = sendSchedule(o.rate, o.durationS);
  let accepted = 0;
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const send = (n: number) =>
    new Promise<void>((resolve) => {
      const r = registerRequest(undefined, n);
      const sentAt = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: r.path, method: r.method, headers: r.headers, agent, timeout: 10_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            const a = parseAccepted(res.statusCode ?? 0, body);
            if (a) {
              accepted++;
              o.onAccepted({ ...a, at: performance.now(), sentAt });
            } else failed++;
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(r.body);
    });
  const started = performance.now();
  for (const [n, offset] of schedule.entries()) {
    const wait = started + offset - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(n));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { sent: schedule.length, accepted, failed, ms: performance.now() - started };
}
